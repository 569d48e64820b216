package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app against a SCRAM-SHA-512 listener, as in the k8s manifests: with {@code
 * kafka.sasl.username/password} its Kafka Streams clients and the admin client reading the output
 * topics' limits authenticate; with a wrong password the listener refuses them. The test's own
 * clients use the broker's PLAINTEXT listener.
 */
class IngestSaslIT {
  /** Quote and backslash: the JAAS escaping is exercised against the real broker. */
  static final String PASSWORD = "in\"gest\\pw";

  @TempDir static Path dir;
  static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.startWithSasl(dir.resolve("kafka"));
    broker.addScramUser("kafka-ingest-stream", PASSWORD);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static IngestSettings settings(String run, String password) throws Exception {
    Map<String, String> m =
        ItSupport.appOptions(
            broker.saslBootstrapServers(), dir, "ingest-sasl", run, "exactly_once_v2");
    m.put("kafka.sasl.username", "kafka-ingest-stream");
    m.put("kafka.sasl.password", password);
    IngestSettings s = IngestSettings.fromMap(m);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(s.notificationsTopic(), 2, (short) 1),
                  new NewTopic(s.imageEventsTopic(), 2, (short) 1)
                      .configs(Map.of("max.message.bytes", "500000")),
                  new NewTopic(s.deadLetterTopic(), 1, (short) 1)
                      .configs(Map.of("max.message.bytes", "400000"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return s;
  }

  @Test
  void theAdminClientReadsTheTopicLimitsOnlyWithTheRightPassword() throws Exception {
    IngestSettings s = settings("limits", PASSWORD);
    assertThat(
            OutputLimits.detect(
                s.clientProperties(),
                s.imageEventsTopic(),
                s.deadLetterTopic(),
                Duration.ofSeconds(10)))
        .isEqualTo(new OutputLimits(500_000, 400_000));
    IngestSettings wrong = settings("limits-wrong", "not-the-password");
    // refused by the listener: the limits cannot be read and the broker defaults are assumed
    assertThat(
            OutputLimits.detect(
                wrong.clientProperties(),
                wrong.imageEventsTopic(),
                wrong.deadLetterTopic(),
                Duration.ofSeconds(5)))
        .isEqualTo(OutputLimits.DEFAULT);
  }

  @Test
  void notificationsBecomeImageEventsThroughTheAuthenticatedListener() throws Exception {
    IngestSettings s = settings("events", PASSWORD);
    Instant t = Instant.parse("2026-12-04T10:00:00Z");
    try (var producer =
            new KafkaProducer<>(
                ItSupport.producerConfig(broker.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic())) {
      for (int i = 0; i < 20; i++) {
        String key = "cam/frame-" + i + ".jpg";
        producer.send(
            new ProducerRecord<>(
                s.notificationsTopic(),
                MinioNotifications.kafkaKey("images", key),
                MinioNotifications.toJson(
                    MinioNotifications.of(
                        "s3:ObjectCreated:Put",
                        "images",
                        key,
                        100L,
                        "etag" + i,
                        "image/jpeg",
                        Map.of(),
                        t.plusMillis(i),
                        String.format("%016X", 1_000L + i)))));
      }
      producer.flush();
      var out =
          ItSupport.readUntil(
              events, ItSupport.newList(), l -> l.size() >= 20, Duration.ofSeconds(60));
      assertThat(out).hasSize(20);
      assertThat(out).allSatisfy(r -> assertThat(r.value().getBucket()).isEqualTo("images"));
    }
  }
}
