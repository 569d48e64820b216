package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Watch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link WatchLog} on the compacted watches topic: an idempotent producer with {@code acks=all}.
 */
public final class KafkaWatchLog implements WatchLog, AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final Duration timeout;

  /**
   * @param clientProperties bootstrap servers and security of the Kafka clients
   */
  public KafkaWatchLog(Map<String, Object> clientProperties, String topic, Duration timeout) {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "query-api-watches");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public void put(Watch watch) {
    send(watch.getId(), Topics.WATCHES.valueSerde().serializer().serialize(topic, watch));
  }

  @Override
  public void delete(String id) {
    send(id, null);
  }

  private void send(String key, byte[] value) {
    try {
      producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WatchesUnavailableException(
          WatchesUnavailableException.KAFKA, "interrupted while writing the watch", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new WatchesUnavailableException(
          WatchesUnavailableException.KAFKA,
          "the watches topic did not acknowledge the write: " + cause,
          cause);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
