package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.avro.ImageEvent;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The claim-check path on a real broker and the real S3 server (which notifies every write back
 * into the notifications topic): 1 000 frames with the object store stopped for 10 s in the middle.
 */
class ClaimCheckIT extends BrokerPerClass {
  static final int FRAMES = 1000;
  static final String BUCKET = "images";

  static ProducerRecord<byte[], byte[]> frame(String topic, int i, int size) {
    byte[] bytes = new byte[size];
    new Random(i).nextBytes(bytes);
    ByteBuffer.wrap(bytes).putInt(i);
    RawFrame frame =
        RawFrame.of(bytes, "image/jpeg", "cam-" + (i % 4))
            .capturedAt(Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i * 7L));
    if (i % 2 == 0) {
      frame.id("frame-" + i);
    }
    return frame.toRecord(topic);
  }

  /**
   * With a 60 s retry budget the stream thread waits out the outage; with a 2 s budget it gives up
   * several times, is replaced and resumes from the last commit: in both cases no frame is lost,
   * skipped or indexed twice.
   */
  @ParameterizedTest
  @CsvSource({"at_least_once, PT60S", "exactly_once_v2, PT60S", "at_least_once, PT2S"})
  void thousandFramesWithTheObjectStoreDownForTenSecondsGiveExactlyThousandObjectsAndEvents(
      String guarantee, String budget) throws Exception {
    String run = "frames-" + guarantee.replace('_', '-') + "-" + budget.toLowerCase();
    Path s3Dir = dir.resolve(run);
    String notifications = run + ".minio-events"; // as ItSupport.appOptions names it
    S3ServerProcess s3 =
        S3ServerProcess.start(
            s3Dir, 0, "it", "it-secret-key", broker.bootstrapServers(), notifications, BUCKET);
    int port = s3.port();
    Map<String, String> m =
        ItSupport.appOptions(broker.bootstrapServers(), dir, "ingest-it", run, guarantee);
    m.put("s3.endpoint", s3.endpoint());
    m.put("s3.access-key", s3.accessKey());
    m.put("s3.secret-key", s3.secretKey());
    m.put("frames.bucket", BUCKET);
    m.put("frames.max-bytes", "65536");
    m.put("frames.retry.max", "PT0.5S");
    m.put("frames.retry.budget", budget);
    IngestSettings s = IngestSettings.fromMap(m);
    broker.createTopics(
        3, s.notificationsTopic(), s.imageEventsTopic(), s.deadLetterTopic(), s.rawFramesTopic());

    try (var producer = ItSupport.bytesProducer(broker.bootstrapServers());
        IngestApp app = new IngestApp(s).start();
        var events = ItSupport.eventConsumer(broker.bootstrapServers(), s.imageEventsTopic());
        var dead = ItSupport.bytesConsumer(broker.bootstrapServers(), s.deadLetterTopic())) {
      for (int i = 0; i < FRAMES / 2; i++) {
        producer.send(frame(s.rawFramesTopic(), i, 2048));
      }
      producer.send(frame(s.rawFramesTopic(), FRAMES + 1, 65537)); // too large → dead letter
      producer.flush();
      List<ConsumerRecord<String, ImageEvent>> out =
          ItSupport.readUntil(
              events, ItSupport.newList(), l -> l.size() >= 100, Duration.ofSeconds(60));
      assertThat(out).hasSizeGreaterThanOrEqualTo(100);

      long down = System.nanoTime();
      s3.stop();
      for (int i = FRAMES / 2; i < FRAMES; i++) {
        producer.send(frame(s.rawFramesTopic(), i, 2048));
      }
      producer.flush();
      Thread.sleep(
          Math.max(0, Duration.ofSeconds(10).toMillis() - (System.nanoTime() - down) / 1_000_000));
      double retriesWhileDown =
          app.metrics().count("imgsearch.ingest.object.store.retries", null, null);
      s3 =
          S3ServerProcess.start(
              s3Dir, port, "it", "it-secret-key", broker.bootstrapServers(), notifications, BUCKET);

      long up = System.nanoTime();
      ItSupport.readUntil(events, out, l -> l.size() >= FRAMES, Duration.ofSeconds(90));
      long all = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // every write is notified back; wait until the notifications of all 1000 objects have met the
      // de-duplication
      while (app.metrics().count("imgsearch.ingest.skipped", "reason", "duplicate") < FRAMES
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      System.out.printf(
          "%s: store down %d ms, all %d events %d ms after restart, notifications de-duplicated %d ms later%n",
          run,
          (up - down) / 1_000_000,
          out.size(),
          (all - up) / 1_000_000,
          (System.nanoTime() - all) / 1_000_000);
      ItSupport.drain(events, out, Duration.ofSeconds(3));

      assertThat(retriesWhileDown).as("frames waited for the stopped object store").isPositive();
      assertThat(out).hasSize(FRAMES);
      Set<String> eventKeys = out.stream().map(r -> r.value().getKey()).collect(Collectors.toSet());
      assertThat(eventKeys).hasSize(FRAMES);
      assertThat(out)
          .allSatisfy(r -> assertThat(r.key()).isEqualTo(ImageIds.of(BUCKET, r.value().getKey())));
      assertThat(eventKeys).contains("cam-0/2026/11/20/10/frame-0.jpg");

      MinioClient minio =
          MinioClient.builder()
              .endpoint(s3.endpoint())
              .credentials(s3.accessKey(), s3.secretKey())
              .build();
      Set<String> objects = new HashSet<>();
      for (Result<Item> r :
          minio.listObjects(ListObjectsArgs.builder().bucket(BUCKET).recursive(true).build())) {
        objects.add(r.get().objectName());
      }
      assertThat(objects).isEqualTo(eventKeys);
      assertThat(app.metrics().count("imgsearch.ingest.skipped", "reason", "duplicate"))
          .isGreaterThanOrEqualTo(FRAMES);

      var letters =
          ItSupport.readUntil(
              dead, ItSupport.<byte[], byte[]>newList(), l -> !l.isEmpty(), Duration.ofSeconds(30));
      ItSupport.drain(dead, letters, Duration.ofSeconds(2));
      // at-least-once: a replaced stream thread resumes from its last commit and may dead-letter
      // the same frame again;
      // what must hold is that one input record, and only that one, was dead-lettered
      Set<String> deadInputs =
          letters.stream()
              .map(
                  r ->
                      DeadLetter.header(r.headers(), DeadLetters.ORIGINAL_PARTITION)
                          + "@"
                          + DeadLetter.header(r.headers(), DeadLetters.ORIGINAL_OFFSET))
              .collect(Collectors.toSet());
      assertThat(deadInputs).hasSize(1);
      if (guarantee.startsWith("exactly_once")) {
        assertThat(letters).hasSize(1);
      }
      assertThat(letters)
          .allSatisfy(
              letter -> {
                assertThat(DeadLetter.header(letter.headers(), DeadLetters.REASON))
                    .isEqualTo(Frames.REJECT_TOO_LARGE);
                assertThat(DeadLetter.header(letter.headers(), DeadLetters.ORIGINAL_TOPIC))
                    .isEqualTo(s.rawFramesTopic());
                assertThat(letter.value()).isNull();
              });
    } finally {
      s3.close();
    }
  }
}
