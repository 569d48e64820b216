package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import io.minio.CopyObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SourceObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The app on a real broker, fed by the S3 server's notifications (MinIO SDK writes) and by replayed
 * notifications.
 */
class IngestAppIT extends BrokerPerClass {
  private static IngestSettings settings(String run, String guarantee) {
    Map<String, String> m =
        ItSupport.appOptions(broker.bootstrapServers(), dir, "ingest-it", run, guarantee);
    m.put("metrics.port", "0");
    IngestSettings s = IngestSettings.fromMap(m);
    broker.createTopics(3, s.notificationsTopic(), s.imageEventsTopic(), s.deadLetterTopic());
    return s;
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void objectWritesThroughTheS3ServerBecomeOrderedImageEvents(String guarantee) throws Exception {
    String run = "s3-" + guarantee.replace('_', '-');
    IngestSettings s = settings(run, guarantee);
    try (S3ServerProcess s3 =
            S3ServerProcess.start(
                dir.resolve(run),
                0,
                "it",
                "it-secret-key",
                broker.bootstrapServers(),
                s.notificationsTopic(),
                "images");
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic())) {
      MinioClient minio =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials(s3.accessKey(), s3.secretKey())
              .build();
      byte[] jpeg = new byte[2048];
      new Random(1).nextBytes(jpeg);
      put(
          minio,
          "cam 1/a+b é.jpg",
          jpeg,
          "image/jpeg",
          Map.of("source", "cam-1", "captured-at", "2026-11-20T08:00:00Z", "tags", "door,night"));
      put(
          minio,
          "notes/readme.txt",
          "hello".getBytes(StandardCharsets.UTF_8),
          "text/plain",
          Map.of());
      minio.copyObject(
          CopyObjectArgs.builder()
              .bucket("images")
              .object("copies/a.jpg")
              .source(SourceObject.builder().bucket("images").object("cam 1/a+b é.jpg").build())
              .build());
      byte[] big = new byte[11 * 1024 * 1024];
      new Random(2).nextBytes(big);
      minio.putObject(
          PutObjectArgs.builder().bucket("images").object("big/pano.jpg").stream(
                  new ByteArrayInputStream(big), (long) big.length, 5L * 1024 * 1024)
              .contentType("image/jpeg")
              .build());
      minio.removeObject(
          RemoveObjectArgs.builder().bucket("images").object("cam 1/a+b é.jpg").build());
      // the same object written again with the same bytes: the same version, no new event
      put(minio, "copies/a.jpg", jpeg, "image/jpeg", Map.of());

      List<ConsumerRecord<String, ImageEvent>> out =
          ItSupport.readUntil(
              events, ItSupport.newList(), l -> l.size() >= 4, Duration.ofSeconds(60));
      ItSupport.drain(events, out, Duration.ofSeconds(2));
      assertThat(out)
          .extracting(r -> r.value().getType() + " " + r.value().getKey())
          .containsExactlyInAnyOrder(
              "CREATED cam 1/a+b é.jpg",
              "CREATED copies/a.jpg",
              "CREATED big/pano.jpg",
              "DELETED cam 1/a+b é.jpg");
      String id = ImageIds.of("images", "cam 1/a+b é.jpg");
      var forId = out.stream().filter(r -> r.key().equals(id)).toList();
      assertThat(forId)
          .extracting(r -> r.value().getType())
          .containsExactly(ImageEventType.CREATED, ImageEventType.DELETED);
      assertThat(forId.get(0).partition()).isEqualTo(forId.get(1).partition());
      ImageEvent created = forId.get(0).value();
      assertThat(created.getSource()).isEqualTo("cam-1");
      assertThat(created.getTags()).containsExactly("door", "night");
      assertThat(created.getCapturedAtMillis())
          .isEqualTo(Instant.parse("2026-11-20T08:00:00Z").toEpochMilli());
      ImageEvent multipart =
          out.stream()
              .map(ConsumerRecord::value)
              .filter(e -> e.getKey().equals("big/pano.jpg"))
              .findFirst()
              .orElseThrow();
      assertThat(multipart.getEtag()).endsWith("-3");
      assertThat(app.metrics().count("imgsearch.ingest.skipped", "reason", "not-an-image"))
          .isEqualTo(1);
      assertThat(app.metrics().count("imgsearch.ingest.skipped", "reason", "duplicate"))
          .isEqualTo(1);
    }
  }

  private static void put(
      MinioClient minio, String key, byte[] bytes, String contentType, Map<String, String> meta)
      throws Exception {
    minio.putObject(
        PutObjectArgs.builder().bucket("images").object(key).stream(
                new ByteArrayInputStream(bytes), (long) bytes.length, -1L)
            .contentType(contentType)
            .userMetadata(meta)
            .build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void replayedNotificationsYieldNoNewEventsAndGarbageIsDeadLetteredWithMetricsExposed(
      String guarantee) throws Exception {
    String run = "replay-" + guarantee.replace('_', '-');
    IngestSettings s = settings(run, guarantee);
    List<ProducerRecord<String, String>> notifications = new java.util.ArrayList<>();
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    for (int i = 0; i < 1000; i++) {
      String key = "cam-" + (i % 7) + "/frame-" + i + ".jpg";
      notifications.add(
          ItSupport.putNotification(
              s.notificationsTopic(),
              key,
              100L,
              i,
              Map.of("X-Amz-Meta-Source", "cam-" + (i % 7)),
              t.plusMillis(i),
              1_000_000L + i));
    }
    try (var producer = ItSupport.stringProducer(broker.bootstrapServers());
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic());
        var dead = ItSupport.bytesConsumer(broker.bootstrapServers(), s.deadLetterTopic())) {
      notifications.forEach(producer::send);
      producer.send(new ProducerRecord<>(s.notificationsTopic(), "garbage", "{not json"));
      notifications.forEach(producer::send); // the same 1000 again
      producer.flush();

      List<ConsumerRecord<String, ImageEvent>> out =
          ItSupport.readUntil(
              events, ItSupport.newList(), l -> l.size() >= 1000, Duration.ofSeconds(60));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (app.metrics().count("imgsearch.ingest.skipped", "reason", "duplicate") < 1000
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      ItSupport.drain(events, out, Duration.ofSeconds(2));
      assertThat(out).hasSize(1000);
      assertThat(out.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(1000);
      assertThat(app.metrics().count("imgsearch.ingest.skipped", "reason", "duplicate"))
          .isEqualTo(1000);

      var letters =
          ItSupport.readUntil(
              dead, ItSupport.<byte[], byte[]>newList(), l -> !l.isEmpty(), Duration.ofSeconds(30));
      assertThat(letters).hasSize(1);
      var h = letters.get(0).headers();
      assertThat(DeadLetter.header(h, DeadLetters.REASON)).isEqualTo("unparseable-notification");
      assertThat(DeadLetter.header(h, DeadLetters.ORIGINAL_TOPIC))
          .isEqualTo(s.notificationsTopic());
      assertThat(DeadLetter.header(h, DeadLetters.ORIGINAL_PARTITION)).isNotNull();
      assertThat(DeadLetter.header(h, DeadLetters.ORIGINAL_OFFSET)).isNotNull();
      assertThat(DeadLetter.header(h, DeadLetters.EXCEPTION_CLASS))
          .endsWith("MalformedNotificationException");
      assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");

      String metrics = get(app, "/metrics").body();
      assertThat(metrics)
          .contains("imgsearch_ingest_events_total{type=\"CREATED\"} 1000.0")
          .contains("imgsearch_ingest_skipped_total{reason=\"duplicate\"} 1000.0")
          .contains("imgsearch_ingest_dead_letters_total{reason=\"unparseable-notification\"} 1.0")
          .contains("kafka_stream_thread_process_total");
      var health = get(app, "/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  /** GET {@code path} of the app's metrics endpoint. */
  private static HttpResponse<String> get(IngestApp app, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
