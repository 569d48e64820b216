package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
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
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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

/**
 * What the job ITs share: a Kafka broker and the S3 server (with its bucket) started for a test
 * class, objects put into the bucket, events produced, topics read back from the beginning (through
 * the broker's PLAINTEXT listener), the job's options pointing at both, and the job started on a
 * local MiniCluster with the collecting reporter.
 */
final class JobHarness implements AutoCloseable {
  static final String BUCKET = "images";

  final KafkaBroker broker;
  final S3ServerProcess s3;
  final MinioClient minio;
  private final String access;
  private final String secret;

  private JobHarness(KafkaBroker broker, S3ServerProcess s3, String access, String secret) {
    this.broker = broker;
    this.s3 = s3;
    this.access = access;
    this.secret = secret;
    this.minio = client(secret);
  }

  /**
   * A plain broker and the S3 server under {@code dir}, the server's account {@code access}/{@code
   * secret}.
   */
  static JobHarness start(Path dir, String access, String secret) {
    return start(KafkaBroker.start(dir.resolve("kafka"), 0), dir, access, secret);
  }

  /**
   * The S3 server under {@code dir} next to an already started {@code broker}; owns the broker from
   * then on.
   */
  static JobHarness start(KafkaBroker broker, Path dir, String access, String secret) {
    try {
      S3ServerProcess s3 =
          S3ServerProcess.start(
              dir.resolve("s3"),
              0,
              access,
              secret,
              broker.bootstrapServers(),
              "it-notifications",
              BUCKET);
      return new JobHarness(broker, s3, access, secret);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /**
   * A MinIO client of the server's account with {@code secretKey} (the right one, or a wrong one).
   */
  MinioClient client(String secretKey) {
    return MinioClient.builder().endpoint(s3.endpoint()).credentials(access, secretKey).build();
  }

  void put(String key, byte[] bytes) throws Exception {
    minio.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), (long) bytes.length, -1L)
            .build());
  }

  /**
   * The options every job IT starts from: topics {@code <prefix>-events-<run>}, {@code
   * <prefix>-dlq-<run>} and {@code <prefix>-embeddings-<run>}, group {@code <prefix>-<run>}, this
   * S3 server, a checkpoint a second and the embedded store under {@code storeDir}.
   */
  Map<String, String> jobOptions(String prefix, String run, Path storeDir) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap-servers", broker.bootstrapServers());
    o.put("topic.image-events", prefix + "-events-" + run);
    o.put("topic.dead-letters", prefix + "-dlq-" + run);
    o.put("topic.embeddings", prefix + "-embeddings-" + run);
    o.put("kafka.group-id", prefix + "-" + run);
    o.put("s3.endpoint", s3.endpoint());
    o.put("s3.access-key", access);
    o.put("s3.secret-key", secret);
    o.put("checkpoint.interval", "PT1S");
    o.put("store.kind", "embedded");
    o.put("store.path", storeDir.resolve("store-" + run).toString());
    return o;
  }

  /**
   * Builds the job on a local MiniCluster (parallelism 1) reporting to a cleared {@link
   * CollectingReporter}.
   */
  static JobClient startJob(EmbedderSettings settings, String name) throws Exception {
    return startJob(settings, name, 1);
  }

  /** Like {@link #startJob(EmbedderSettings, String)}, at {@code parallelism}. */
  static JobClient startJob(EmbedderSettings settings, String name, int parallelism)
      throws Exception {
    return startJob(settings, name, parallelism, new Configuration());
  }

  /**
   * Like {@link #startJob(EmbedderSettings, String)}, its checkpoints kept under {@code
   * checkpoints} after a cancel (as after a crash), restored from the checkpoint {@code restore}
   * when not null.
   */
  static JobClient startJobKeepingCheckpoints(
      EmbedderSettings settings, String name, Path checkpoints, Path restore) throws Exception {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.toUri().toString());
    }
    return startJob(settings, name, 1, conf);
  }

  /**
   * The newest completed checkpoint ({@code chk-N} with its {@code _metadata}) under {@code
   * checkpoints}.
   */
  static Path latestCheckpoint(Path checkpoints) throws java.io.IOException {
    try (var dirs = java.nio.file.Files.walk(checkpoints, 2)) {
      return dirs.filter(d -> d.getFileName().toString().matches("chk-\\d+"))
          .filter(d -> java.nio.file.Files.exists(d.resolve("_metadata")))
          .max(
              java.util.Comparator.comparingLong(
                  d -> Long.parseLong(d.getFileName().toString().substring(4))))
          .orElseThrow(() -> new AssertionError("no completed checkpoint under " + checkpoints));
    }
  }

  private static JobClient startJob(
      EmbedderSettings settings, String name, int parallelism, Configuration conf)
      throws Exception {
    conf.setString(
        "metrics.reporter.collect.factory.class", CollectingReporter.Factory.class.getName());
    CollectingReporter.METRICS.clear();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    EmbedderJob.build(env, settings);
    return env.executeAsync(name);
  }

  /**
   * Runs the job ({@link #startJob(EmbedderSettings, String, int)}) until {@code done} holds on
   * {@code topic}, then two more checkpoints (the vector store sink flushes on checkpoints), then
   * cancels it.
   */
  List<ConsumerRecord<byte[], byte[]>> runUntil(
      EmbedderSettings settings,
      String name,
      int parallelism,
      String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws Exception {
    JobClient job = startJob(settings, name, parallelism);
    try {
      List<ConsumerRecord<byte[], byte[]>> out = consume(topic, done);
      Thread.sleep(2500);
      return out;
    } finally {
      job.cancel().get();
    }
  }

  KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends the events to {@code topic}, keyed by image id, each acknowledged before the next. */
  void produce(String topic, ImageEvent... events) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (ImageEvent e : events) {
        producer.send(eventRecord(topic, e)).get();
      }
    }
  }

  /** The record of {@code e} on {@code topic}: keyed by image id, the Avro event as value. */
  static ProducerRecord<byte[], byte[]> eventRecord(String topic, ImageEvent e) {
    return new ProducerRecord<>(
        topic,
        e.getImageId().getBytes(StandardCharsets.UTF_8),
        Topics.IMAGE_EVENTS.valueSerde().serializer().serialize(topic, e));
  }

  /** The value of a topic's config {@code key} as the broker describes it. */
  String topicConfig(String topic, String key) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(res)).all().get().get(res).get(key).value();
    }
  }

  /**
   * Reads the topic from the beginning until {@code done} holds (60 s at most), in partition order
   * per key.
   */
  List<ConsumerRecord<byte[], byte[]>> consume(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    return consume(topic, done, "", Duration.ZERO);
  }

  /**
   * Like {@link #consume(String, Predicate)}, then polls once more for {@code linger} (whatever
   * else is there by then); {@code context} goes into the failure message.
   */
  List<ConsumerRecord<byte[], byte[]>> consume(
      String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      String context,
      Duration linger) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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
      if (!linger.isZero()) {
        consumer.poll(linger).forEach(out::add);
      }
    }
    String got =
        "records on "
            + topic
            + " within 60 s, got "
            + out.size()
            + (context.isEmpty() ? "" : "; " + context);
    assertThat(done.test(out)).as(got).isTrue();
    return out;
  }

  @Override
  public void close() {
    try {
      s3.close();
    } finally {
      broker.close();
    }
  }
}
