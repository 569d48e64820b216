package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.schemas.DeadLetter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Dead letters of the sink to a Kafka topic (the pipeline's dead-letter topic): key = image id, no
 * value (the vector is not worth keeping; the change can be re-created from the image), stage
 * {@value #STAGE}, the reason and the store's error in the headers ({@link DeadLetter}). Each sink
 * writer opens its own idempotent producer ({@code acks=all}); {@link Writer#flush()} runs on every
 * checkpoint, so a completed checkpoint means its dead letters are in the topic.
 *
 * @param clientProperties further producer settings, e.g. the stage's security settings ({@code
 *     security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}: {@code
 *     dev.imgsearch.schemas.KafkaSecurity}); they cannot override the bootstrap servers,
 *     acknowledgements or idempotence
 */
public record KafkaSinkDeadLetters(
    String bootstrapServers, String topic, Map<String, String> clientProperties)
    implements SinkDeadLetters {
  private static final long serialVersionUID = 1L;

  /** The {@code stage} header of the sink's dead letters. */
  public static final String STAGE = "indexer";

  public KafkaSinkDeadLetters {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
  }

  /** Without further producer settings (a broker without authentication). */
  public KafkaSinkDeadLetters(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, Map.of());
  }

  /** The configuration of each writer's producer. Pure. */
  public Map<String, Object> producerConfig() {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "imgsearch-sink-dead-letters");
    return p;
  }

  /** The dead letter of a refused change. Pure. */
  public static DeadLetter letter(IndexAction action, String reason, Throwable cause) {
    return new DeadLetter(
        STAGE,
        reason,
        cause == null ? null : cause.getMessage(),
        cause == null ? null : cause.getClass().getName(),
        action.id(),
        null,
        -1,
        -1,
        action.id().getBytes(StandardCharsets.UTF_8),
        null);
  }

  @Override
  public SinkDeadLetters.Writer open() {
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    return new Writer(producer, topic);
  }

  private static final class Writer implements SinkDeadLetters.Writer {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    Writer(KafkaProducer<byte[], byte[]> producer, String topic) {
      this.producer = producer;
      this.topic = topic;
    }

    @Override
    public void write(IndexAction action, String reason, Throwable cause) {
      producer.send(
          letter(action, reason, cause).toProducerRecord(topic),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }

    @Override
    public void flush() throws IOException {
      producer.flush();
      Exception e = failure.get();
      if (e != null) {
        throw new IOException("writing a dead letter to " + topic + " failed: " + e, e);
      }
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
