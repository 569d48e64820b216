package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.KafkaSinkDeadLetters;
import dev.imgsearch.indexer.sink.SinkDeadLetters;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedder against a SCRAM-SHA-512 listener, as in the k8s manifests: with {@code
 * kafka.sasl.username/password} the job's KafkaSource, its dead-letter and embeddings KafkaSinks,
 * the admin client creating the embeddings topic and the vector-store sink's dead-letter producer
 * all authenticate; a wrong password is refused. The test's own clients use the broker's PLAINTEXT
 * listener.
 */
class EmbedderSaslIT {
  static final String BUCKET = JobHarness.BUCKET;
  static final String ACCESS = "embedder-sasl-it";
  static final String SECRET = "embedder-sasl-it-secret";
  static final String USER = "kafka-embedder";
  static final String PASSWORD = "emb\"edder\\pw";

  @TempDir static Path tmp;
  static JobHarness it;

  @BeforeAll
  static void start() {
    KafkaBroker broker = KafkaBroker.startWithSasl(tmp.resolve("kafka"));
    broker.addScramUser(USER, PASSWORD);
    it = JobHarness.start(broker, tmp, ACCESS, SECRET);
  }

  @AfterAll
  static void stop() {
    if (it != null) {
      it.close();
    }
  }

  static Map<String, String> options(String run, String password) {
    Map<String, String> o = it.jobOptions("sasl", run, tmp);
    o.put("kafka.bootstrap-servers", it.broker.saslBootstrapServers());
    o.put("kafka.sasl.username", USER);
    o.put("kafka.sasl.password", password);
    o.put("batch.size", "2");
    return o;
  }

  @Test
  void theWholeJobReadsAndWritesThroughTheAuthenticatedListener() throws Exception {
    EmbedderSettings settings = EmbedderSettings.fromMap(options("job", PASSWORD));
    it.broker.createTopics(2, settings.imageEventsTopic(), settings.deadLetterTopic());
    it.put("sasl/photo.jpg", TestImages.encode(TestImages.scene(320, 240, 7), "jpg"));
    String id = ImageIds.of(BUCKET, "sasl/photo.jpg");
    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      producer.send(
          new ProducerRecord<>(
              settings.imageEventsTopic(),
              id.getBytes(StandardCharsets.UTF_8),
              Topics.IMAGE_EVENTS
                  .valueSerde()
                  .serializer()
                  .serialize(
                      settings.imageEventsTopic(),
                      EmbedderJobIT.event(
                          ImageEventType.CREATED, "sasl/photo.jpg", 1_700_000_000_000L))));
      producer.send(
          new ProducerRecord<>(settings.imageEventsTopic(), "x".getBytes(), "not avro".getBytes()));
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    // creates the embeddings topic through the SASL listener; the source reads only from it (its
    // bootstrap servers)
    EmbedderJob.build(env, settings);
    JobClient job = env.executeAsync("embedder-sasl-it");
    List<ConsumerRecord<byte[], byte[]>> deadLetters;
    List<ConsumerRecord<byte[], byte[]>> embeddings;
    try {
      deadLetters = it.consume(settings.deadLetterTopic(), rs -> !rs.isEmpty());
      embeddings = it.consume(settings.embeddingsTopic(), rs -> !rs.isEmpty());
      Thread.sleep(2500); // two more checkpoints: the vector store sink flushes on checkpoints
    } finally {
      job.cancel().get();
    }
    assertThat(DeadLetter.header(deadLetters.get(0).headers(), DeadLetters.REASON))
        .isEqualTo("undecodable-event");
    assertThat(new String(embeddings.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(id);
    assertThat(it.topicConfig(settings.embeddingsTopic(), "cleanup.policy")).isEqualTo("compact");
    try (VectorStore store =
        VectorStores.open(StoreSettings.embedded(settings.store().path(), "images", 576))) {
      assertThat(store.get(id)).isPresent();
    }
  }

  @Test
  void theSinksDeadLetterProducerAuthenticates() throws Exception {
    EmbedderSettings settings = EmbedderSettings.fromMap(options("sink-dl", PASSWORD));
    it.broker.createTopics(1, settings.deadLetterTopic());
    KafkaSinkDeadLetters sinkDeadLetters = EmbedderJob.sinkDeadLetters(settings);
    IndexAction delete = IndexAction.delete("img-refused");
    try (SinkDeadLetters.Writer w = sinkDeadLetters.open()) {
      w.write(delete, "refused-by-store", new IllegalArgumentException("no"));
      w.flush();
    }
    var letters = it.consume(settings.deadLetterTopic(), rs -> !rs.isEmpty());
    assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("img-refused");
    assertThat(DeadLetter.header(letters.get(0).headers(), DeadLetters.STAGE))
        .isEqualTo(KafkaSinkDeadLetters.STAGE);
  }

  @Test
  void aWrongPasswordIsRefused() {
    EmbedderSettings wrong = EmbedderSettings.fromMap(options("wrong", "not-the-password"));
    assertThatThrownBy(
            () ->
                EmbeddingsTopic.ensureCompacted(
                    wrong.bootstrapServers(),
                    wrong.kafkaClientProperties(),
                    wrong.embeddingsTopic(),
                    1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Authentication failed");
  }
}
