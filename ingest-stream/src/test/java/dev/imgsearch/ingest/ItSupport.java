package dev.imgsearch.ingest;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the integration tests share: the app's options for a run, producing test input, and reading
 * topics (read_committed, so exactly-once runs only show committed output).
 */
final class ItSupport {
  private ItSupport() {}

  /**
   * Producer settings for test input: one request in flight per partition. Kafka 4.2 brokers can
   * otherwise reject the retry of a first batch that hit a not-yet-ready partition of a new topic
   * after a later batch landed (KAFKA-15591), and that batch would be lost.
   */
  static Map<String, Object> producerConfig(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
        1,
        ProducerConfig.LINGER_MS_CONFIG,
        20,
        ProducerConfig.BATCH_SIZE_CONFIG,
        256 * 1024,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        1 << 21);
  }

  static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
    return new KafkaProducer<>(
        producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
  }

  static KafkaProducer<String, String> stringProducer(String bootstrap) {
    return new KafkaProducer<>(
        producerConfig(bootstrap), new StringSerializer(), new StringSerializer());
  }

  /**
   * MinIO's notification of a put of {@code size} bytes (JPEG, etag {@code etag<i>}) to {@code
   * images/key}, as the record MinIO sends to {@code topic}.
   */
  static ProducerRecord<String, String> putNotification(
      String topic,
      String key,
      long size,
      int i,
      Map<String, String> meta,
      Instant time,
      long sequencer) {
    return new ProducerRecord<>(
        topic,
        MinioNotifications.kafkaKey("images", key),
        MinioNotifications.toJson(
            MinioNotifications.of(
                "s3:ObjectCreated:Put",
                "images",
                key,
                size,
                "etag" + i,
                "image/jpeg",
                meta,
                time,
                String.format("%016X", sequencer))));
  }

  /** Creates the topics on the broker at {@code bootstrap} (30 s at most). */
  static void createTopics(String bootstrap, NewTopic... topics) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** A topic of one replica whose {@code max.message.bytes} is {@code maxMessageBytes}. */
  static NewTopic limitedTopic(String name, int partitions, int maxMessageBytes) {
    return new NewTopic(name, partitions, (short) 1)
        .configs(Map.of("max.message.bytes", Integer.toString(maxMessageBytes)));
  }

  /**
   * The app's options for one run, which tests add to: topics {@code <run>.minio-events}, {@code
   * <run>.image-events}, {@code <run>.dead-letters} and {@code <run>.raw-frames} (read only once
   * {@code s3.endpoint} is set), application id {@code <appIdPrefix>-<run>}, its state under {@code
   * dir}, no metrics endpoint.
   */
  static Map<String, String> appOptions(
      String bootstrap, Path dir, String appIdPrefix, String run, String guarantee) {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap-servers", bootstrap);
    m.put("application.id", appIdPrefix + "-" + run);
    m.put("topic.notifications", run + ".minio-events");
    m.put("topic.image-events", run + ".image-events");
    m.put("topic.dead-letters", run + ".dead-letters");
    m.put("topic.raw-frames", run + ".raw-frames");
    m.put("processing.guarantee", guarantee);
    m.put("state.dir", dir.resolve("state-" + run).toString());
    m.put("metrics.port", "-1");
    return m;
  }

  static KafkaConsumer<String, ImageEvent> eventConsumer(String bootstrap, String topic) {
    return consumer(
        bootstrap,
        topic,
        new StringDeserializer(),
        Topics.IMAGE_EVENTS.valueSerde().deserializer());
  }

  static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap, String topic) {
    return consumer(bootstrap, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static <K, V> KafkaConsumer<K, V> consumer(
      String bootstrap, String topic, Deserializer<K> k, Deserializer<V> v) {
    var c =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-reader-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            k,
            v);
    c.subscribe(List.of(topic));
    return c;
  }

  /**
   * Polls until {@code done} holds for everything read so far, or the timeout passes; returns what
   * was read.
   */
  static <K, V> List<ConsumerRecord<K, V>> readUntil(
      KafkaConsumer<K, V> c,
      List<ConsumerRecord<K, V>> sofar,
      Predicate<List<ConsumerRecord<K, V>>> done,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(sofar) && System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(sofar::add);
    }
    return sofar;
  }

  /** Reads for {@code quiet} more and returns everything: to show nothing else arrives. */
  static <K, V> List<ConsumerRecord<K, V>> drain(
      KafkaConsumer<K, V> c, List<ConsumerRecord<K, V>> sofar, Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      c.poll(Duration.ofMillis(200)).forEach(sofar::add);
    }
    return sofar;
  }

  static <K, V> List<ConsumerRecord<K, V>> newList() {
    return new ArrayList<>();
  }
}
