package dev.imgsearch.ingest;

import static dev.imgsearch.ingest.Fixtures.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.minio.MinioNotifications;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestTopologyTest {
  private static final Instant START = Instant.parse("2026-11-20T12:00:00Z");
  @TempDir Path stateDir;

  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

  /**
   * Puts the claim-check path made, bucket/key → bytes; answers with the MD5 hex eTag S3 gives a
   * single-part put.
   */
  private final Map<String, byte[]> puts = new HashMap<>();

  /** When set, the store refuses every write with it. */
  private Exception refuse;

  private final ObjectStore recordingStore =
      (bucket, key, bytes, ct, meta) -> {
        if (refuse != null) {
          throw refuse;
        }
        puts.put(bucket + "/" + key, bytes);
        return new ObjectStore.Written(md5(bytes), null);
      };

  private IngestSettings settings;
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> notifications;
  private TestInputTopic<String, byte[]> frames;
  private TestOutputTopic<String, ImageEvent> events;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  private OutputLimits limits = OutputLimits.DEFAULT;

  private void start(Map<String, String> options) {
    Map<String, String> m = new HashMap<>(options);
    m.put("kafka.bootstrap-servers", "unused:9092");
    m.put("state.dir", stateDir.toString());
    m.putIfAbsent("dedup.ttl", "PT10M");
    settings = IngestSettings.fromMap(m);
    var store =
        RetryingObjectStore.of(
            recordingStore,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO),
            metrics::objectStoreRetry);
    var props = settings.streamsProperties();
    props.put(IngestExceptionHandler.METRICS_CONFIG, metrics);
    driver =
        new TopologyTestDriver(
            IngestTopology.build(settings, metrics, store, limits), props, START);
    notifications =
        driver.createInputTopic(
            settings.notificationsTopic(),
            Serdes.String().serializer(),
            Serdes.String().serializer());
    if (settings.frames() != null) {
      frames =
          driver.createInputTopic(
              settings.rawFramesTopic(),
              Serdes.String().serializer(),
              Serdes.ByteArray().serializer());
    }
    events =
        driver.createOutputTopic(
            settings.imageEventsTopic(),
            Serdes.String().deserializer(),
            Topics.IMAGE_EVENTS.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            settings.deadLetterTopic(),
            Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  private void start() {
    start(Map.of());
  }

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
  }

  private void pipe(String fixture) {
    notifications.pipeInput("images/x", notification(fixture));
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void everyEventKindBecomesOneEventKeyedByImageIdUnderBothGuarantees(String guarantee) {
    start(Map.of("processing.guarantee", guarantee));
    for (String f :
        List.of(
            "put-escaped-key.json",
            "post.json",
            "copy.json",
            "complete-multipart.json",
            "put-versioned.json",
            "put-unicode-key.json",
            "put-octet-stream-jpg.json",
            "delete-marker.json")) {
      pipe(f);
    }
    var out = events.readKeyValuesToList();
    assertThat(out).hasSize(8);
    assertThat(out).allSatisfy(kv -> assertThat(kv.key).isEqualTo(kv.value.getImageId()));
    assertThat(out)
        .extracting(kv -> kv.value.getKey())
        .containsExactly(
            "cam 1/a b+c.jpg",
            "uploads/form.png",
            "archive/2026/a.jpg",
            "big/pano 12MP.jpg",
            "cam-3/v.jpg",
            "caméra/日本 東京/100% + plus~tilde*star.jpg",
            "cam-4/raw.JPG",
            "cam-3/v.jpg");
    assertThat(out.get(7).value.getType()).isEqualTo(ImageEventType.DELETED);
    assertThat(metrics.count("imgsearch.ingest.events", "type", "CREATED")).isEqualTo(7);
    assertThat(metrics.count("imgsearch.ingest.events", "type", "DELETED")).isEqualTo(1);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void outputRecordsCarryNoInternalHeaders() {
    start();
    pipe("put-escaped-key.json");
    TestRecord<String, ImageEvent> r = events.readRecord();
    assertThat(r.headers().toArray()).isEmpty();
  }

  @Test
  void severalRecordsPerMessageAndSkippedRecordsAreCounted() {
    start();
    pipe("multi-records.json");
    pipe("put-text.json");
    pipe("accessed.json");
    var out = events.readValuesToList();
    assertThat(out)
        .extracting(ImageEvent::getKey)
        .containsExactly("cam-5/one.jpg", "cam-5/old.jpg");
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "not-an-image")).isEqualTo(2);
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "unsupported-event"))
        .isEqualTo(1);
  }

  @Test
  void configuredFiltersSkipAndCount() {
    start(Map.of("filter.prefixes", "cam-3/", "filter.content-types", "image/jpeg"));
    pipe("post.json");
    pipe("put-versioned.json");
    pipe("delete.json");
    assertEventKeys("cam-3/v.jpg");
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "prefix-filtered")).isEqualTo(2);
  }

  @Test
  void replayedNotificationsProduceNoNewEvents() {
    start();
    List<String> all =
        List.of("put-escaped-key.json", "post.json", "copy.json", "complete-multipart.json");
    all.forEach(this::pipe);
    assertThat(events.readValuesToList()).hasSize(4);
    all.forEach(this::pipe);
    all.forEach(this::pipe);
    assertThat(events.isEmpty()).isTrue();
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "duplicate")).isEqualTo(8);
  }

  @Test
  void aDeleteAfterACreateIsNeverOvertakenAndALateCreateIsDroppedAsStale() {
    start();
    pipe("put-escaped-key.json");
    pipe("delete.json");
    pipe("put-escaped-key.json"); // redelivered late, older sequencer than the delete
    var out = events.readKeyValuesToList();
    assertThat(out)
        .extracting(kv -> kv.value.getType())
        .containsExactly(ImageEventType.CREATED, ImageEventType.DELETED);
    assertThat(out.get(0).key)
        .isEqualTo(out.get(1).key)
        .isEqualTo(ImageIds.of("images", "cam 1/a b+c.jpg"));
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "stale")).isEqualTo(1);
  }

  @Test
  void theSameObjectVersionIsEmittedAgainOnlyAfterTheTtlAndExpiredEntriesArePurged() {
    start(Map.of("dedup.ttl", "PT10S"));
    pipe("put-escaped-key.json");
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    pipe("put-escaped-key.json");
    assertThat(events.readValuesToList()).hasSize(1);
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    assertThat(metrics.count("imgsearch.ingest.dedup.expired", null, null)).isEqualTo(1);
    pipe("put-escaped-key.json");
    assertThat(events.readValuesToList()).hasSize(1);
  }

  @Test
  void
      unreadableNotificationsGoToTheDeadLetterTopicWithReasonOriginAndExceptionAndTheStreamContinues() {
    start();
    notifications.pipeInput("bad-key", "{ this is not json");
    pipe("put-escaped-key.json");
    driver
        .createInputTopic(
            settings.notificationsTopic(),
            Serdes.ByteArray().serializer(),
            Serdes.ByteArray().serializer())
        .pipeInput("k2".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28});

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("{ this is not json");
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("bad-key");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.REASON))
        .isEqualTo("unparseable-notification");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("not MinIO notification JSON");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.EXCEPTION_CLASS))
        .isEqualTo("dev.imgsearch.schemas.minio.MalformedNotificationException");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_TOPIC))
        .isEqualTo(settings.notificationsTopic());
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("0");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("0");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.STAGE)).isEqualTo("ingest-stream");
    assertThat(DeadLetter.header(dead.get(1).headers(), DeadLetters.DETAIL))
        .isEqualTo("notification is not UTF-8 text");
    assertThat(DeadLetter.header(dead.get(1).headers(), DeadLetters.ORIGINAL_OFFSET))
        .isEqualTo("2");
    assertThat(events.readValuesToList()).hasSize(1);
    assertThat(metrics.deadLetters("unparseable-notification")).isEqualTo(2);
  }

  @Test
  void recordWithoutKeyIsDeadLettered() {
    start();
    notifications.pipeInput(
        "k",
        "{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\",\"eventTime\":\"2026-01-01T00:00:00Z\","
            + "\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"contentType\":\"image/png\"}}}]}");
    assertThat(events.isEmpty()).isTrue();
    assertThat(DeadLetter.header(deadLetters.readRecord().headers(), DeadLetters.DETAIL))
        .isEqualTo("record without bucket name or object key");
  }

  private Map<String, String> withFrames() {
    return withFrames("1000");
  }

  /**
   * The claim check on, frames up to {@code maxBytes}, and the {@code more} options (key, value).
   */
  private Map<String, String> withFrames(String maxBytes, String... more) {
    Map<String, String> m =
        new HashMap<>(
            Map.of(
                "s3.endpoint",
                "http://unused",
                "s3.access-key",
                "a",
                "s3.secret-key",
                "s",
                "frames.max-bytes",
                maxBytes));
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  private void pipeFrame(byte[] bytes, String... headers) {
    frames.pipeInput(new TestRecord<>("cam", bytes, FramesTest.headers(headers), START));
  }

  @Test
  void aFrameIsStoredUnderItsKeyAndItsOwnNotificationYieldsNoSecondEvent() {
    start(withFrames());
    byte[] jpeg = "frame-bytes".getBytes(StandardCharsets.UTF_8);
    pipeFrame(
        jpeg,
        "source",
        "cam-9",
        "content-type",
        "image/jpeg",
        "id",
        "f1",
        "captured-at",
        "2026-11-20T08:15:00Z",
        "tags",
        "a,b");
    String key = "cam-9/2026/11/20/08/f1.jpg";
    assertThat(puts).containsOnlyKeys("images/" + key);
    var out = events.readKeyValuesToList();
    assertThat(out).hasSize(1);
    ImageEvent e = out.get(0).value;
    assertThat(out.get(0).key).isEqualTo(ImageIds.of("images", key));
    assertThat(e.getEtag()).isEqualTo(md5(jpeg));
    assertThat(e.getSource()).isEqualTo("cam-9");
    assertThat(e.getTags()).containsExactly("a", "b");
    assertThat(e.getSize()).isEqualTo((long) jpeg.length);

    // the object store then notifies the write, as MinIO does
    notifications.pipeInput(
        "images/" + key,
        MinioNotifications.toJson(
            MinioNotifications.of(
                "s3:ObjectCreated:Put",
                "images",
                key,
                (long) jpeg.length,
                md5(jpeg),
                "image/jpeg",
                Map.of("X-Amz-Meta-Source", "cam-9"),
                START,
                "1798C1D5E1B2F3A4")));
    assertThat(events.isEmpty()).isTrue();
    assertThat(metrics.count("imgsearch.ingest.frames.stored", null, null)).isEqualTo(1);
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "duplicate")).isEqualTo(1);
  }

  @Test
  void invalidFramesGoToTheDeadLetterTopicAndAreNotStored() {
    start(withFrames());
    pipeFrame(new byte[1001], "source", "cam-9", "content-type", "image/jpeg");
    pipeFrame(new byte[10], "content-type", "image/jpeg");
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "application/pdf");
    assertThat(puts).isEmpty();
    assertThat(events.isEmpty()).isTrue();
    var dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(r -> DeadLetter.header(r.headers(), DeadLetters.REASON))
        .containsExactly("frame-too-large", "invalid-frame-header", "unsupported-content-type");
    assertThat(dead.get(0).value()).isNull();
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.DETAIL)).contains("1001 bytes");
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.ORIGINAL_TOPIC))
        .isEqualTo(settings.rawFramesTopic());
    assertThat(DeadLetter.header(dead.get(2).headers(), DeadLetters.ORIGINAL_OFFSET))
        .isEqualTo("2");
    assertThat(dead.get(1).value()).hasSize(10);
    assertThat(metrics.deadLetters("frame-too-large")).isEqualTo(1);
  }

  @Test
  void withoutAnObjectStoreTheRawFramesTopicIsNotRead() {
    start();
    assertThat(driver.producedTopicNames()).doesNotContain(settings.rawFramesTopic());
    assertThat(IngestTopology.build(settings, metrics, null).describe().toString())
        .doesNotContain("raw-frames");
  }

  // --- "nothing halts the stream": hostile records at the edge ---

  @Test
  void aNotificationRecordOverTheFieldLimitsIsDeadLetteredAloneAndTheOthersGoOn() {
    start();
    var good =
        MinioNotifications.of(
            "s3:ObjectCreated:Put",
            "images",
            "cam/ok.jpg",
            5L,
            "e1",
            "image/jpeg",
            Map.of(),
            START,
            "A1");
    var bad =
        MinioNotifications.of(
            "s3:ObjectCreated:Put",
            "images",
            "cam/bad.jpg",
            5L,
            "e2",
            "image/jpeg",
            Map.of("X-Amz-Meta-Tags", "x".repeat(2000)),
            START,
            "A2");
    var longKey =
        MinioNotifications.of(
            "s3:ObjectCreated:Put",
            "images",
            "k".repeat(3000) + ".jpg",
            5L,
            "e3",
            "image/jpeg",
            Map.of(),
            START,
            "A3");
    notifications.pipeInput(
        "images/x",
        MinioNotifications.toJson(
            new dev.imgsearch.schemas.minio.MinioNotification(
                null,
                null,
                List.of(good.records().get(0), bad.records().get(0), longKey.records().get(0)))));
    assertEventKeys("cam/ok.jpg");
    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(dead)
        .extracting(r -> DeadLetter.header(r.headers(), DeadLetters.REASON))
        .containsOnly(FieldLimits.REASON);
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.DETAIL))
        .startsWith("tag of 2000 UTF-8 bytes");
    assertThat(DeadLetter.header(dead.get(1).headers(), DeadLetters.DETAIL))
        .startsWith("key of 3004 UTF-8 bytes");
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.IMAGE_ID))
        .isEqualTo(ImageIds.of("images", "cam/bad.jpg"));
    assertThat(
            MinioNotifications.parse(new String(dead.get(0).value(), StandardCharsets.UTF_8))
                .records()
                .get(0)
                .decodedKey())
        .isEqualTo("cam/bad.jpg");
    assertThat(metrics.deadLetters(FieldLimits.REASON)).isEqualTo(2);
  }

  @Test
  void aFrameWithAControlCharacterOrAnOversizedMetadataHeaderIsDeadLetteredBeforeTheWrite() {
    start(withFrames());
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "image/jpeg", "tags", "door\rnight");
    pipeFrame(
        new byte[10], "source", "cam-9", "content-type", "image/jpeg", "tags", "t".repeat(3000));
    pipeFrame(new byte[10], "source", "c".repeat(100_000), "content-type", "image/jpeg");
    pipeFrame(
        new byte[10],
        "source",
        "cam-9",
        "content-type",
        "image/jpeg",
        "tags",
        String.join(",", java.util.stream.IntStream.range(0, 40).mapToObj(i -> "t" + i).toList()));
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "image/jpeg", "id", "ok");
    assertThat(puts).containsOnlyKeys("images/cam-9/2026/11/20/12/ok.jpg");
    var dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(r -> DeadLetter.header(r.headers(), DeadLetters.REASON))
        .containsExactly(
            "invalid-frame-header",
            "invalid-frame-header",
            "invalid-frame-header",
            FieldLimits.REASON);
    assertThat(dead).allSatisfy(r -> assertThat(r.value()).hasSize(10));
    assertThat(events.readValuesToList()).hasSize(1);
    assertThat(metrics.deadLetters("invalid-frame-header")).isEqualTo(3);
  }

  @Test
  void aFrameTheObjectStoreRefusesIsDeadLetteredWithTheS3ErrorCodeAndTheNextFrameIsStored() {
    refuse = new ObjectStoreErrorResponse(400, "InvalidArgument", "Invalid metadata");
    start(withFrames());
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "image/jpeg", "id", "refused");
    refuse = null;
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "image/jpeg", "id", "ok");
    assertThat(puts).containsOnlyKeys("images/cam-9/2026/11/20/12/ok.jpg");
    assertEventKeys("cam-9/2026/11/20/12/ok.jpg");
    var d = onlyDeadLetter(ClaimCheck.REASON_REJECTED);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("InvalidArgument")
        .contains("HTTP 400");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.EXCEPTION_CLASS))
        .isEqualTo(ObjectStoreErrorResponse.class.getName());
    assertThat(d.value()).hasSize(10);
    assertThat(metrics.deadLetters(ClaimCheck.REASON_REJECTED)).isEqualTo(1);
    assertThat(metrics.count("imgsearch.ingest.object.store.retries", null, null)).isZero();
  }

  // --- versioned buckets (fixtures: cam-3/v.jpg, versions v1 then v2) ---

  private static final String V1 = "3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8";
  private static final String V2 = "b7c8d9e0-1a2b-4c3d-9e4f-5a6b7c8d9e0f";

  @Test
  void anOverwriteUpsertsTheSameImageAndDeletingTheOldVersionLeavesTheLiveOne() {
    start();
    pipe("put-versioned.json");
    pipe("put-versioned-v2.json");
    pipe("delete-version-v1.json");
    var out = events.readKeyValuesToList();
    assertThat(out)
        .extracting(kv -> kv.value.getType())
        .containsExactly(ImageEventType.CREATED, ImageEventType.CREATED);
    assertThat(out).extracting(kv -> kv.key).containsOnly(ImageIds.of("images", "cam-3/v.jpg"));
    assertThat(out).extracting(kv -> kv.value.getVersionId()).containsExactly(V1, V2);
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "noncurrent-version-deleted"))
        .isEqualTo(1);
    // then the live version goes: the image goes
    pipe("delete-version-v2.json");
    var deleted = events.readValuesToList();
    assertThat(deleted).extracting(ImageEvent::getType).containsExactly(ImageEventType.DELETED);
    assertThat(deleted.get(0).getVersionId()).isEqualTo(V2);
  }

  /**
   * Deleting the current version deletes; so does a delete marker, though its version id is not the
   * live one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"delete-version-v1.json", "delete-marker.json"})
  void deletingTheCurrentVersionOrAddingADeleteMarkerDeletes(String deletion) {
    start();
    pipe("put-versioned.json");
    pipe(deletion);
    assertThat(events.readValuesToList())
        .extracting(ImageEvent::getType)
        .containsExactly(ImageEventType.CREATED, ImageEventType.DELETED);
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "noncurrent-version-deleted"))
        .isZero();
  }

  @Test
  void theLiveVersionIsRememberedPastTheDedupTtl() {
    start(Map.of("dedup.ttl", "PT10S"));
    pipe("put-versioned.json");
    pipe("put-versioned-v2.json");
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    pipe("delete-version-v1.json");
    assertThat(events.readValuesToList())
        .extracting(ImageEvent::getType)
        .containsExactly(ImageEventType.CREATED, ImageEventType.CREATED);
    assertThat(metrics.count("imgsearch.ingest.skipped", "reason", "noncurrent-version-deleted"))
        .isEqualTo(1);
    // deleting the live version still deletes after the TTL
    pipe("delete-version-v2.json");
    assertThat(events.readValuesToList())
        .extracting(ImageEvent::getType)
        .containsExactly(ImageEventType.DELETED);
  }

  // --- outputs bounded by the topics' max.message.bytes before they are sent (exactly-once cannot
  // recover from a refusal) ---

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void anEventOverTheEventTopicsLimitIsDeadLetteredBeforeItIsSent(String guarantee) {
    limits = new OutputLimits(2_000, 8_000);
    start(Map.of("processing.guarantee", guarantee));
    String bigKey = "cam/" + "k".repeat(1000) + ".jpg";
    notifications.pipeInput(
        "images/x",
        MinioNotifications.toJson(
            MinioNotifications.of(
                "s3:ObjectCreated:Put",
                "images",
                bigKey,
                5L,
                "e1",
                "image/jpeg",
                Map.of("X-Amz-Meta-Source", "s".repeat(1000)),
                START,
                "A1")));
    pipe("put-escaped-key.json");
    assertEventKeys("cam 1/a b+c.jpg");
    var d = onlyDeadLetter(IngestProductionExceptionHandler.REASON_TOO_LARGE);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("2000")
        .contains(settings.imageEventsTopic());
    assertThat(DeadLetter.header(d.headers(), DeadLetters.IMAGE_ID))
        .isEqualTo(ImageIds.of("images", bigKey));
    assertThat(metrics.deadLetters(IngestProductionExceptionHandler.REASON_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aDeadLetterOverTheDeadLetterTopicsLimitLosesItsValueThenItsKeyBeforeItIsSent() {
    limits = new OutputLimits(1_000_000, 8_000);
    assertThat(limits.deadLettersMaxBytes()).isEqualTo(8_000);
    start();
    notifications.pipeInput("k", "{" + "x".repeat(20_000));
    notifications.pipeInput("k".repeat(7_000), "{ not json");
    notifications.pipeInput("small", "{ not json");
    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(3);
    assertThat(dead.get(0).value()).isNull();
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.VALUE_DROPPED))
        .isEqualTo("20001");
    assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("k");
    assertThat(dead.get(1).key()).isNull(); // over DeadLetter's own key bound already
    assertThat(DeadLetter.header(dead.get(1).headers(), DeadLetters.KEY_DROPPED)).isEqualTo("7000");
    assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{ not json");
    assertThat(new String(dead.get(2).value(), StandardCharsets.UTF_8)).isEqualTo("{ not json");
    for (var d : dead) {
      assertThat(OutputLimits.recordBytes(d.key(), d.value(), d.headers()))
          .isLessThanOrEqualTo(8_000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void
      aOneMegabyteFrameWithAHundredKilobyteSourceHeaderBecomesOneBoundedDeadLetterAndTheNextFrameIsStored(
          String guarantee) {
    start(withFrames("1000000", "processing.guarantee", guarantee));
    pipeFrame(new byte[1_000_000], "source", "c".repeat(100_000), "content-type", "image/jpeg");
    pipeFrame(new byte[10], "source", "cam-9", "content-type", "image/jpeg", "id", "next");
    assertThat(puts).containsOnlyKeys("images/cam-9/2026/11/20/12/next.jpg");
    assertThat(events.readValuesToList()).hasSize(1);
    var d = onlyDeadLetter(Frames.REJECT_HEADER);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("'source' of 100000 bytes");
    assertThat(d.value())
        .isNull(); // over the dead letter's own 512 KiB bound: it stays at the original offset
    assertThat(DeadLetter.header(d.headers(), DeadLetters.VALUE_DROPPED)).isEqualTo("1000000");
    assertThat(OutputLimits.recordBytes(d.key(), d.value(), d.headers())).isLessThan(8_192);
  }

  /** The events read now are those of {@code keys}, in this order. */
  private void assertEventKeys(String... keys) {
    assertThat(events.readValuesToList()).extracting(ImageEvent::getKey).containsExactly(keys);
  }

  /** The dead letters read now are one, of {@code reason}: returns it. */
  private TestRecord<byte[], byte[]> onlyDeadLetter(String reason) {
    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(DeadLetter.header(dead.get(0).headers(), DeadLetters.REASON)).isEqualTo(reason);
    return dead.get(0);
  }

  static String md5(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
