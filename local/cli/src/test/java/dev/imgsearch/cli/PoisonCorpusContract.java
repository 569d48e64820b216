package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.indexed;
import static dev.imgsearch.cli.StackClient.put;
import static dev.imgsearch.cli.StackClient.putPhoto;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import io.minio.MinioClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13, through the whole pipeline: poison records of every kind are interleaved with good
 * photos. Every good photo becomes searchable; every poison lands on the dead-letter topic with its
 * stage and reason; the Flink job never leaves RUNNING and no Kafka Streams thread is replaced.
 * Subclasses choose the vector store.
 */
abstract class PoisonCorpusContract {

  @TempDir Path dataDir;

  abstract LocalStackSettings settings(Path dataDir);

  /**
   * A poison and the dead letter it must become ({@code imageId} null when the poison has none,
   * e.g. a raw frame).
   */
  record Expected(String what, String stage, String reason, String imageId) {}

  @Test
  void goodImagesAreIndexedPoisonsAreDeadLetteredAndNothingRestarts() throws Exception {
    List<Path> photos = LocalStackContract.jpegPhotos(8);
    byte[] goodJpeg = Files.readAllBytes(photos.get(0));

    try (LocalStack stack = LocalStack.start(settings(dataDir));
        KafkaProducer<byte[], byte[]> kafka = producer(stack.bootstrapServers())) {
      JobWatch watch = JobWatch.start(stack);
      MinioClient s3 = StackClient.s3(stack);
      String bucket = stack.settings().bucket();
      List<Expected> expected = new ArrayList<>();
      List<String> good = new ArrayList<>();
      List<Runnable> poisons = new ArrayList<>();

      // 1. an upload with 40 tags (Milvus holds 32): rejected at the edge, never discovered by the
      // store
      String fortyTags =
          String.join(
              ",", Collections.nCopies(40, "t").stream().map(t -> t + System.nanoTime()).toList());
      poisons.add(
          () ->
              put(
                  s3,
                  bucket,
                  "poison/forty-tags.jpg",
                  goodJpeg,
                  "image/jpeg",
                  Map.of("source", "cam-p", "tags", fortyTags)));
      expected.add(
          new Expected(
              "40 tags",
              "ingest-stream",
              FieldLimits.REASON,
              ImageIds.of(bucket, "poison/forty-tags.jpg")));

      // 2. a raw frame whose tags header holds a CR (S3 user metadata can't carry it)
      poisons.add(
          () ->
              send(
                  kafka,
                  withHeader(
                      RawFrame.of(goodJpeg, "image/jpeg", "cam-p")
                          .id("cr-tags")
                          .toRecord(Topics.RAW_FRAMES.name()),
                      RawFrame.H_TAGS,
                      "a\rb")));
      expected.add(new Expected("CR in tags", "ingest-stream", "invalid-frame-header", null));

      // 3. an 800 kB raw frame with a 100 kB source header: its dead letter must still fit the
      // topic
      byte[] big =
          Arrays.copyOf(
              goodJpeg, 800_000); // + 100 kB key (the source) + 100 kB header ≈ the broker limit
      poisons.add(
          () ->
              send(
                  kafka,
                  RawFrame.of(big, "image/jpeg", "s".repeat(100_000))
                      .id("huge-source")
                      .toRecord(Topics.RAW_FRAMES.name())));
      expected.add(
          new Expected("100 kB source header", "ingest-stream", "invalid-frame-header", null));

      // 4. a notification that is not JSON
      poisons.add(
          () ->
              send(
                  kafka,
                  new ProducerRecord<>(
                      Topics.NOTIFICATIONS.name(),
                      "x".getBytes(StandardCharsets.UTF_8),
                      "not json {".getBytes(StandardCharsets.UTF_8))));
      expected.add(new Expected("not JSON", "ingest-stream", "unparseable-notification", null));

      // 5. an image event with 40 tags straight on the image-events topic (bypassing ingest): the
      // embed stage rejects it
      String directId = ImageIds.of(bucket, "poison/direct-forty-tags.jpg");
      poisons.add(
          () -> send(kafka, imageEvent(directId, bucket, "poison/direct-forty-tags.jpg", 40)));
      expected.add(
          new Expected("40 tags on image-events", "embedder", FieldLimits.REASON, directId));

      // 6. a memory bomb inside the pixel limit: 399 × 125 000 PNG, ~150 kB
      poisons.add(
          () ->
              put(
                  s3,
                  bucket,
                  "poison/bomb-399x125000.png",
                  tallPng(),
                  "image/png",
                  Map.of("source", "cam-p")));
      expected.add(
          new Expected(
              "399×125000 PNG",
              "embedder",
              "aspect-ratio",
              ImageIds.of(bucket, "poison/bomb-399x125000.png")));

      // 7. the bad-image classics
      poisons.add(
          () ->
              put(
                  s3,
                  bucket,
                  "poison/truncated.jpg",
                  Arrays.copyOf(goodJpeg, goodJpeg.length / 2),
                  "image/jpeg",
                  Map.of()));
      expected.add(
          new Expected(
              "truncated JPEG",
              "embedder",
              "corrupt",
              ImageIds.of(bucket, "poison/truncated.jpg")));
      poisons.add(
          () ->
              put(
                  s3,
                  bucket,
                  "poison/text.jpg",
                  "text, not a JPEG".getBytes(StandardCharsets.UTF_8),
                  "image/jpeg",
                  Map.of()));
      expected.add(
          new Expected(
              "text named .jpg",
              "embedder",
              "unsupported-format",
              ImageIds.of(bucket, "poison/text.jpg")));

      // 8. an event claiming an object far larger than the fetch cap (checked before the GET)
      String claimedId = ImageIds.of(bucket, "poison/claims-10GB.jpg");
      poisons.add(
          () ->
              send(
                  kafka,
                  sized(imageEvent(claimedId, bucket, "poison/claims-10GB.jpg", 0), 10L << 30)));
      expected.add(new Expected("event size 10 GB", "embedder", "object-too-large", claimedId));

      // interleaved: a good photo, a poison, a good photo, ...
      for (int i = 0; i < Math.max(photos.size(), poisons.size()); i++) {
        if (i < photos.size()) {
          Path p = photos.get(i);
          String key = "cam-g/" + p.getFileName();
          putPhoto(s3, bucket, key, p, "cam-g");
          good.add(ImageIds.of(bucket, key));
        }
        if (i < poisons.size()) {
          poisons.get(i).run();
        }
      }
      kafka.flush();

      String api = stack.queryApiUrl();
      LocalStackContract.await(
          Duration.ofMinutes(3), () -> good.stream().allMatch(id -> indexed(api, id)));
      List<ConsumerRecord<byte[], byte[]>> dead =
          deadLetters(stack.bootstrapServers(), expected.size(), Duration.ofMinutes(2));

      for (Expected e : expected) {
        assertThat(dead)
            .as("dead letter for " + e.what())
            .anySatisfy(
                r -> {
                  assertThat(DeadLetter.header(r.headers(), DeadLetters.STAGE))
                      .isEqualTo(e.stage());
                  assertThat(DeadLetter.header(r.headers(), DeadLetters.REASON))
                      .isEqualTo(e.reason());
                  if (e.imageId() != null) {
                    assertThat(DeadLetter.header(r.headers(), DeadLetters.IMAGE_ID))
                        .isEqualTo(e.imageId());
                  }
                });
      }
      assertThat(dead)
          .as("the oversized frame's dead letter keeps neither key nor value")
          .anySatisfy(
              r -> {
                assertThat(r.headers().lastHeader(DeadLetters.VALUE_DROPPED)).isNotNull();
                assertThat(r.value()).isNull();
              });
      for (Expected e : expected) {
        if (e.imageId() != null) {
          assertThat(indexed(api, e.imageId())).as(e.what() + " must not be indexed").isFalse();
        }
      }
      // a good record after all poisons still flows
      Path last = photos.get(0);
      putPhoto(s3, bucket, "cam-g/after-" + last.getFileName(), last, "cam-g");
      LocalStackContract.await(
          Duration.ofMinutes(1),
          () -> indexed(api, ImageIds.of(bucket, "cam-g/after-" + last.getFileName())));

      assertThat(watch.stop())
          .as("statuses the Flink job passed through after RUNNING")
          .containsOnly(JobStatus.RUNNING);
      assertThat(stack.ingest().metrics().threadReplacements())
          .as("ingest stream threads replaced")
          .isZero();
      System.out.printf(
          "POISON corpus (%s): %d good indexed, %d poisons dead-lettered, job restarts 0, thread replacements 0%n",
          stack.settings().vectorStore(), good.size() + 1, expected.size());
    }
  }

  /**
   * Watches the job status every 100 ms (a restart waits 2 s in RESTARTING, so none goes unseen).
   */
  static final class JobWatch {
    private final Set<JobStatus> seen = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    private JobWatch(LocalStack stack) {
      thread =
          new Thread(
              () -> {
                boolean started = false;
                while (running) {
                  try {
                    JobStatus s = stack.jobStatus().get(5, TimeUnit.SECONDS);
                    started |= s == JobStatus.RUNNING;
                    if (started) {
                      seen.add(s);
                    }
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    seen.add(JobStatus.FAILING);
                  }
                }
              },
              "job-watch");
      thread.setDaemon(true);
      thread.start();
    }

    static JobWatch start(LocalStack stack) {
      return new JobWatch(stack);
    }

    Set<JobStatus> stop() throws InterruptedException {
      running = false;
      thread.join(10_000);
      return seen;
    }
  }

  private static ProducerRecord<byte[], byte[]> withHeader(
      ProducerRecord<byte[], byte[]> r, String name, String value) {
    r.headers().remove(name);
    r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private static ProducerRecord<byte[], byte[]> imageEvent(
      String id, String bucket, String key, int tags) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < tags; i++) {
      t.add("tag-" + i);
    }
    ImageEvent e =
        ImageEvent.newBuilder()
            .setImageId(id)
            .setType(ImageEventType.CREATED)
            .setBucket(bucket)
            .setKey(key)
            .setSource("cam-p")
            .setCapturedAtMillis(Instant.now().toEpochMilli())
            .setTags(t)
            .setEventTimeMillis(Instant.now().toEpochMilli())
            .setContentType("image/jpeg")
            .build();
    return new ProducerRecord<>(
        Topics.IMAGE_EVENTS.name(),
        id.getBytes(StandardCharsets.UTF_8),
        Topics.IMAGE_EVENTS.valueSerde().serializer().serialize(Topics.IMAGE_EVENTS.name(), e));
  }

  private static ProducerRecord<byte[], byte[]> sized(ProducerRecord<byte[], byte[]> r, long size) {
    ImageEvent e =
        Topics.IMAGE_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    e.setSize(size);
    return new ProducerRecord<>(
        r.topic(), r.key(), Topics.IMAGE_EVENTS.valueSerde().serializer().serialize(r.topic(), e));
  }

  /** A 399 × 125 000 grey PNG: small on disk, ≈ 50 M pixels. */
  static byte[] tallPng() {
    BufferedImage img = new BufferedImage(399, 125_000, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p =
        new HashMap<>(
            Map.of("bootstrap.servers", bootstrap, "acks", "all", "max.request.size", 2_000_000));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> kafka, ProducerRecord<byte[], byte[]> r) {
    try {
      kafka.send(r).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not accepted by Kafka: " + r.topic(), e);
    }
  }

  /**
   * At least {@code n} dead letters (all that arrive until then), or fails after {@code timeout}.
   */
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters(
      String bootstrap, int n, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "poison-it-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.DEAD_LETTERS.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      c.poll(Duration.ofSeconds(2)).forEach(out::add);
    }
    List<String> seen =
        out.stream()
            .map(
                r ->
                    DeadLetter.header(r.headers(), DeadLetters.STAGE)
                        + "/"
                        + DeadLetter.header(r.headers(), DeadLetters.REASON))
            .toList();
    assertThat(out.size()).as("dead letters seen: " + seen).isGreaterThanOrEqualTo(n);
    return out;
  }
}
