package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
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
    ItSupport.createTopics(
        broker.bootstrapServers(),
        new NewTopic(s.notificationsTopic(), 2, (short) 1),
        ItSupport.limitedTopic(s.imageEventsTopic(), 2, 500_000),
        ItSupport.limitedTopic(s.deadLetterTopic(), 1, 400_000));
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
    try (var producer = ItSupport.stringProducer(broker.bootstrapServers());
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic())) {
      for (int i = 0; i < 20; i++) {
        String key = "cam/frame-" + i + ".jpg";
        producer.send(
            ItSupport.putNotification(
                s.notificationsTopic(), key, 100L, i, Map.of(), t.plusMillis(i), 1_000L + i));
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
