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
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEventType;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedder against a SCRAM-SHA-512 listener, as in the k8s manifests: with {@code kafka.sasl.username/password}
 * the job's KafkaSource, its dead-letter and embeddings KafkaSinks, the admin client creating the embeddings topic and
 * the vector-store sink's dead-letter producer all authenticate; a wrong password is refused. The test's own clients
 * use the broker's PLAINTEXT listener.
 */
class EmbedderSaslIT {
  static final String BUCKET = "images";
  static final String ACCESS = "embedder-sasl-it";
  static final String SECRET = "embedder-sasl-it-secret";
  static final String USER = "kafka-embedder";
  static final String PASSWORD = "emb\"edder\\pw";

  @TempDir static Path tmp;
  static KafkaBroker broker;
  static S3ServerProcess s3;

  @BeforeAll
  static void start() {
    broker = KafkaBroker.startWithSasl(tmp.resolve("kafka"));
    broker.addScramUser(USER, PASSWORD);
    s3 = S3ServerProcess.start(tmp.resolve("s3"), 0, ACCESS, SECRET, broker.bootstrapServers(), "it-notifications", BUCKET);
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  static Map<String, String> options(String run, String password) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap-servers", broker.saslBootstrapServers());
    o.put("kafka.sasl.username", USER);
    o.put("kafka.sasl.password", password);
    o.put("topic.image-events", "sasl-events-" + run);
    o.put("topic.dead-letters", "sasl-dlq-" + run);
    o.put("topic.embeddings", "sasl-embeddings-" + run);
    o.put("kafka.group-id", "sasl-it-" + run);
    o.put("s3.endpoint", s3.endpoint());
    o.put("s3.access-key", ACCESS);
    o.put("s3.secret-key", SECRET);
    o.put("batch.size", "2");
    o.put("checkpoint.interval", "PT1S");
    o.put("store.kind", "embedded");
    o.put("store.path", tmp.resolve("store-" + run).toString());
    return o;
  }

  @Test
  void theWholeJobReadsAndWritesThroughTheAuthenticatedListener() throws Exception {
    EmbedderSettings settings = EmbedderSettings.fromMap(options("job", PASSWORD));
    broker.createTopics(2, settings.imageEventsTopic(), settings.deadLetterTopic());
    MinioClient minio = MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS, SECRET).build();
    byte[] photo = TestImages.encode(TestImages.scene(320, 240, 7), "jpg");
    minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object("sasl/photo.jpg")
        .stream(new ByteArrayInputStream(photo), (long) photo.length, -1L).build());
    String id = ImageIds.of(BUCKET, "sasl/photo.jpg");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(settings.imageEventsTopic(), id.getBytes(StandardCharsets.UTF_8),
          Topics.IMAGE_EVENTS.valueSerde().serializer().serialize(settings.imageEventsTopic(),
              EmbedderJobIT.event(ImageEventType.CREATED, "sasl/photo.jpg", 1_700_000_000_000L))));
      producer.send(new ProducerRecord<>(settings.imageEventsTopic(), "x".getBytes(), "not avro".getBytes()));
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    // creates the embeddings topic through the SASL listener; the source reads only from it (its bootstrap servers)
    EmbedderJob.build(env, settings);
    JobClient job = env.executeAsync("embedder-sasl-it");
    List<ConsumerRecord<byte[], byte[]>> deadLetters;
    List<ConsumerRecord<byte[], byte[]>> embeddings;
    try {
      deadLetters = consume(settings.deadLetterTopic(), rs -> !rs.isEmpty());
      embeddings = consume(settings.embeddingsTopic(), rs -> !rs.isEmpty());
      Thread.sleep(2500); // two more checkpoints: the vector store sink flushes on checkpoints
    } finally {
      job.cancel().get();
    }
    assertThat(DeadLetter.header(deadLetters.get(0).headers(), DeadLetters.REASON)).isEqualTo("undecodable-event");
    assertThat(new String(embeddings.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(id);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, settings.embeddingsTopic());
      Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
    try (VectorStore store = VectorStores.open(StoreSettings.embedded(settings.store().path(), "images", 576))) {
      assertThat(store.get(id)).isPresent();
    }
  }

  @Test
  void theSinksDeadLetterProducerAuthenticates() throws Exception {
    EmbedderSettings settings = EmbedderSettings.fromMap(options("sink-dl", PASSWORD));
    broker.createTopics(1, settings.deadLetterTopic());
    KafkaSinkDeadLetters sinkDeadLetters = EmbedderJob.sinkDeadLetters(settings);
    IndexAction delete = IndexAction.delete("img-refused");
    try (SinkDeadLetters.Writer w = sinkDeadLetters.open()) {
      w.write(delete, "refused-by-store", new IllegalArgumentException("no"));
      w.flush();
    }
    var letters = consume(settings.deadLetterTopic(), rs -> !rs.isEmpty());
    assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("img-refused");
    assertThat(DeadLetter.header(letters.get(0).headers(), DeadLetters.STAGE)).isEqualTo(KafkaSinkDeadLetters.STAGE);
  }

  @Test
  void aWrongPasswordIsRefused() {
    EmbedderSettings wrong = EmbedderSettings.fromMap(options("wrong", "not-the-password"));
    assertThatThrownBy(() -> EmbeddingsTopic.ensureCompacted(
            wrong.bootstrapServers(), wrong.kafkaClientProperties(), wrong.embeddingsTopic(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Authentication failed");
  }

  /** Reads the topic from the beginning (PLAINTEXT listener) until {@code done} holds, 60 s at most. */
  static List<ConsumerRecord<byte[], byte[]>> consume(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 60_000;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty() && System.currentTimeMillis() < deadline) {
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null) {
          infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!done.test(out) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    assertThat(done.test(out)).as("records on " + topic + " within 60 s, got " + out.size()).isTrue();
    return out;
  }
}
