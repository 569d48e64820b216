package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outputs too large for their topics (a small {@code max.message.bytes}) become dead letters and
 * the stream goes on, under both guarantees: bounded before sending with the limits read at start;
 * and, at-least-once, when a limit is lowered while the app runs, the broker's refusal is caught by
 * the production exception handler.
 */
class OutputTooLargeIT extends BrokerPerClass {
  private static String put(String key, Map<String, String> meta, int i) {
    return MinioNotifications.toJson(
        MinioNotifications.of(
            "s3:ObjectCreated:Put",
            "images",
            key,
            5L,
            "e" + i,
            "image/jpeg",
            meta,
            Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i),
            String.format("%016X", 1_000_000L + i)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void anEventOrADeadLetterTooLargeForItsTopicBecomesADeadLetterAndTheStreamGoesOn(String guarantee)
      throws Exception {
    String run = "too-large-" + guarantee.replace('_', '-');
    Map<String, String> m =
        ItSupport.appOptions(broker.bootstrapServers(), dir, "ingest-it", run, guarantee);
    IngestSettings s = IngestSettings.fromMap(m);
    broker.createTopics(1, s.notificationsTopic());
    ItSupport.createTopics(
        broker.bootstrapServers(),
        ItSupport.limitedTopic(s.imageEventsTopic(), 1, 2_000),
        ItSupport.limitedTopic(s.deadLetterTopic(), 1, 8_000));

    try (var producer = ItSupport.bytesProducer(broker.bootstrapServers());
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic());
        var dead = ItSupport.bytesConsumer(broker.bootstrapServers(), s.deadLetterTopic())) {
      // an event of ~2.5 kB (within the field limits) for a 2 000-byte topic
      String bigKey = "cam/" + "k".repeat(1000) + ".jpg";
      send(
          producer,
          s.notificationsTopic(),
          put(bigKey, Map.of("X-Amz-Meta-Source", "s".repeat(1000)), 1));
      // an unparseable notification of 20 kB: its dead letter with the value is over the 8 000-byte
      // dead-letter topic
      send(producer, s.notificationsTopic(), "{" + "x".repeat(20_000));
      // and then ordinary ones must still come through
      send(producer, s.notificationsTopic(), put("cam/after-1.jpg", Map.of(), 2));
      send(producer, s.notificationsTopic(), put("cam/after-2.jpg", Map.of(), 3));
      producer.flush();

      var out =
          ItSupport.readUntil(
              events, ItSupport.newList(), l -> l.size() >= 2, Duration.ofSeconds(90));
      assertThat(out)
          .extracting(r -> r.value().getKey())
          .containsExactly("cam/after-1.jpg", "cam/after-2.jpg");
      var letters =
          ItSupport.readUntil(
              dead,
              ItSupport.<byte[], byte[]>newList(),
              l -> l.size() >= 2,
              Duration.ofSeconds(30));
      ItSupport.drain(dead, letters, Duration.ofSeconds(2));
      assertThat(letters)
          .extracting(r -> DeadLetter.header(r.headers(), DeadLetters.REASON))
          .containsExactlyInAnyOrder(
              IngestProductionExceptionHandler.REASON_TOO_LARGE,
              MapNotifications.REASON_UNPARSEABLE);
      // bounded before sending, with the topics' limits read at start (the two come from different
      // sub-topologies)
      var eventLetter = byReason(letters, IngestProductionExceptionHandler.REASON_TOO_LARGE);
      assertThat(eventLetter.value()).isNull();
      assertThat(new String(eventLetter.key(), StandardCharsets.UTF_8))
          .isEqualTo(ImageIds.of("images", bigKey));
      assertThat(DeadLetter.header(eventLetter.headers(), DeadLetters.DETAIL))
          .contains("max.message.bytes 2000");
      var unparseable = byReason(letters, MapNotifications.REASON_UNPARSEABLE);
      assertThat(unparseable.value()).isNull();
      assertThat(DeadLetter.header(unparseable.headers(), DeadLetters.VALUE_DROPPED))
          .isEqualTo("20001");
      assertThat(DeadLetter.header(unparseable.headers(), DeadLetters.ORIGINAL_OFFSET))
          .isEqualTo("1");

      if (guarantee.equals("at_least_once")) {
        // the topic's limit lowered while the app runs: its limits are stale, the broker refuses,
        // the handler catches it
        try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
          var topic = new ConfigResource(ConfigResource.Type.TOPIC, s.imageEventsTopic());
          admin
              .incrementalAlterConfigs(
                  Map.of(
                      topic,
                      List.of(
                          new AlterConfigOp(
                              new ConfigEntry("max.message.bytes", "600"),
                              AlterConfigOp.OpType.SET))))
              .all()
              .get();
        }
        Thread.sleep(1000);
        send(producer, s.notificationsTopic(), put("cam/" + "m".repeat(500) + ".jpg", Map.of(), 4));
        send(producer, s.notificationsTopic(), put("cam/after-3.jpg", Map.of(), 5));
        producer.flush();
        ItSupport.readUntil(events, out, l -> l.size() >= 3, Duration.ofSeconds(60));
        assertThat(out).extracting(r -> r.value().getKey()).endsWith("cam/after-3.jpg");
        ItSupport.readUntil(dead, letters, l -> l.size() >= 3, Duration.ofSeconds(30));
        assertThat(letters).hasSize(3);
        assertThat(DeadLetter.header(letters.get(2).headers(), DeadLetters.REASON))
            .isEqualTo(IngestProductionExceptionHandler.REASON_TOO_LARGE);
        assertThat(DeadLetter.header(letters.get(2).headers(), DeadLetters.DETAIL))
            .contains("refused");
      }
      assertThat(app.metrics().deadLetters(IngestProductionExceptionHandler.REASON_TOO_LARGE))
          .isEqualTo(guarantee.equals("at_least_once") ? 2 : 1);
      assertThat(app.state().isRunningOrRebalancing()).isTrue();
    }
  }

  private static ConsumerRecord<byte[], byte[]> byReason(
      List<ConsumerRecord<byte[], byte[]>> letters, String reason) {
    return letters.stream()
        .filter(r -> reason.equals(DeadLetter.header(r.headers(), DeadLetters.REASON)))
        .findFirst()
        .orElseThrow();
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, String value) {
    p.send(
        new ProducerRecord<>(
            topic, "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
  }
}
