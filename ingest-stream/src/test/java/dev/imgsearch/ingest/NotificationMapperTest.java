package dev.imgsearch.ingest;

import static dev.imgsearch.ingest.Fixtures.notification;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.minio.MalformedNotificationException;
import dev.imgsearch.schemas.minio.MinioNotification;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationMapperTest {
  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  private static String put(String key, String contentType, Map<String, String> meta) {
    return MinioNotifications.toJson(
        MinioNotifications.of(
            "s3:ObjectCreated:Put", "images", key, 5L, "e", contentType, meta, T, "S"));
  }

  private static ImageEvent single(String fixture) {
    List<NotificationMapper.Outcome> out = NotificationMapper.map(notification(fixture));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).skipReason()).isNull();
    return out.get(0).event();
  }

  @ParameterizedTest
  @CsvSource({
    "put-escaped-key.json, CREATED, cam 1/a b+c.jpg",
    "post.json, CREATED, uploads/form.png",
    "copy.json, CREATED, archive/2026/a.jpg",
    "complete-multipart.json, CREATED, big/pano 12MP.jpg",
    "put-versioned.json, CREATED, cam-3/v.jpg",
    "delete.json, DELETED, cam 1/a b+c.jpg",
    "delete-marker.json, DELETED, cam-3/v.jpg",
    "put-octet-stream-jpg.json, CREATED, cam-4/raw.JPG",
  })
  void everyEventKindMapsToItsTypeWithTheDecodedKeyAndItsId(
      String fixture, ImageEventType type, String key) {
    ImageEvent e = single(fixture);
    assertThat(e.getType()).isEqualTo(type);
    assertThat(e.getBucket()).isEqualTo("images");
    assertThat(e.getKey()).isEqualTo(key);
    assertThat(e.getImageId()).isEqualTo(ImageIds.of("images", key));
  }

  @Test
  void unicodeSpacesPercentPlusTildeAndStarInKeysAreDecoded() {
    ImageEvent e = single("put-unicode-key.json");
    assertThat(e.getKey()).isEqualTo("caméra/日本 東京/100% + plus~tilde*star.jpg");
    assertThat(e.getSource()).isEqualTo("cam-ü");
  }

  @Test
  void versionIdsEtagsAndSequencersAreCarried() {
    var o = NotificationMapper.map(notification("put-versioned.json")).get(0);
    assertThat(o.event().getVersionId()).isEqualTo("3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8");
    assertThat(o.event().getEtag()).isEqualTo("c0ffee00c0ffee00c0ffee00c0ffee00");
    assertThat(o.event().getCapturedAtMillis()).isEqualTo(1763629200000L);
    assertThat(o.sequencer()).isEqualTo("1798C1D60D000001");
    var marker = NotificationMapper.map(notification("delete-marker.json")).get(0);
    assertThat(marker.event().getVersionId()).isEqualTo("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    assertThat(marker.event().getEtag()).isNull();
    assertThat(marker.event().getSize()).isNull();
  }

  @Test
  void multipartEtagKeepsItsPartCountAndMetadataIsRead() {
    ImageEvent e = single("complete-multipart.json");
    assertThat(e.getEtag()).isEqualTo("5f3a9c1e2b7d4f60a1b2c3d4e5f60718-3");
    assertThat(e.getSize()).isEqualTo(12582912L);
    assertThat(e.getSource()).isEqualTo("drone-2");
    assertThat(e.getTags()).containsExactly("aerial", "harbour");
    assertThat(e.getCapturedAtMillis())
        .isEqualTo(Instant.parse("2026-11-20T09:00:00Z").toEpochMilli());
  }

  @Test
  void severalRecordsInOneMessageEachGetAnOutcome() {
    var out = NotificationMapper.map(notification("multi-records.json"));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).event().getKey()).isEqualTo("cam-5/one.jpg");
    assertThat(out.get(1).skipReason()).isEqualTo(ImageFilter.SKIP_NOT_IMAGE);
    assertThat(out.get(2).event().getType()).isEqualTo(ImageEventType.DELETED);
    assertThat(out.get(2).event().getKey()).isEqualTo("cam-5/old.jpg");
  }

  @Test
  void nonImagesAndOtherEventKindsAreSkippedWithTheirReason() {
    assertThat(NotificationMapper.map(notification("put-text.json")).get(0).skipReason())
        .isEqualTo("not-an-image");
    assertThat(NotificationMapper.map(notification("accessed.json")).get(0).skipReason())
        .isEqualTo("unsupported-event");
  }

  @Test
  void filtersApplyToCreatesAndLocationFiltersToDeletes() {
    ImageFilter onlyCam3 = ImageFilter.of("images", "cam-3/", ".jpg", "image/jpeg");
    assertThat(
            NotificationMapper.map(notification("put-versioned.json"), onlyCam3).get(0).skipped())
        .isFalse();
    assertThat(
            NotificationMapper.map(notification("delete-marker.json"), onlyCam3).get(0).skipped())
        .isFalse();
    assertThat(NotificationMapper.map(notification("post.json"), onlyCam3).get(0).skipReason())
        .isEqualTo("prefix-filtered");
    assertThat(NotificationMapper.map(notification("delete.json"), onlyCam3).get(0).skipReason())
        .isEqualTo("prefix-filtered");
    assertThat(
            NotificationMapper.map(
                    notification("post.json"), ImageFilter.of("other", "", "", "image/*"))
                .get(0)
                .skipReason())
        .isEqualTo("bucket-filtered");
  }

  @Test
  void metadataBecomesSourceCapturedAtAndTags() {
    var e =
        NotificationMapper.map(
                put(
                    "a.jpg",
                    "image/jpeg",
                    Map.of(
                        "X-Amz-Meta-Source",
                        "cam-7",
                        "X-Amz-Meta-Captured-At",
                        "2026-11-19T08:00:00Z",
                        "X-Amz-Meta-Tags",
                        "door, night,,door")))
            .get(0)
            .event();
    assertThat(e.getSource()).isEqualTo("cam-7");
    assertThat(e.getCapturedAtMillis())
        .isEqualTo(Instant.parse("2026-11-19T08:00:00Z").toEpochMilli());
    assertThat(e.getTags()).containsExactly("door", "night");
    assertThat(e.getEventTimeMillis()).isEqualTo(T.toEpochMilli());
  }

  @Test
  void capturedAtAcceptsEpochMillisAndFallsBackToEventTime() {
    assertThat(
            NotificationMapper.map(
                    put("a.jpg", "image/jpeg", Map.of("x-amz-meta-captured-at", "1234")))
                .get(0)
                .event()
                .getCapturedAtMillis())
        .isEqualTo(1234L);
    assertThat(
            NotificationMapper.map(
                    put("a.jpg", "image/jpeg", Map.of("x-amz-meta-captured-at", "yesterday")))
                .get(0)
                .event()
                .getCapturedAtMillis())
        .isEqualTo(T.toEpochMilli());
    assertThat(single("put-escaped-key.json").getCapturedAtMillis())
        .isEqualTo(Instant.parse("2026-11-20T10:15:30.123Z").toEpochMilli());
  }

  @Test
  void etagsAreUnquotedAndLowerCased() {
    assertThat(NotificationMapper.normaliseEtag("\"ABC\"")).isEqualTo("abc");
    assertThat(NotificationMapper.normaliseEtag("")).isNull();
    assertThat(NotificationMapper.normaliseEtag(null)).isNull();
  }

  @Test
  void badTimesKeysAndEmptyDocumentsAreMalformed() {
    String badTime = put("a.jpg", "image/jpeg", Map.of()).replace("2026-11-20T10:00:00Z", "noon");
    assertThatThrownBy(() -> NotificationMapper.map(badTime))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessageContaining("eventTime");
    String badEscape =
        notification("put-escaped-key.json").replace("cam+1%2Fa+b%2Bc.jpg", "cam%ZZ.jpg");
    assertThatThrownBy(() -> NotificationMapper.map(badEscape))
        .hasMessageContaining("URL escaping");
    assertThatThrownBy(() -> NotificationMapper.map("{\"Records\":[]}"))
        .hasMessageContaining("no Records");
  }

  // --- field limits (FieldLimits, schemas) at the edge ---

  private static NotificationMapper.Outcome only(String json) {
    List<NotificationMapper.Outcome> out = NotificationMapper.map(json);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void aKeyOverTheStoreLimitIsRejectedNamingTheField() {
    var o =
        only(put("cam/" + "k".repeat(FieldLimits.MAX_TEXT_BYTES) + ".jpg", "image/jpeg", Map.of()));
    assertThat(o.event()).isNull();
    assertThat(o.rejected()).isTrue();
    assertThat(o.rejectReason()).isEqualTo(FieldLimits.REASON);
    assertThat(o.rejectDetail()).startsWith("key of ");
    // exactly at the limit passes
    String atLimit = "k".repeat(FieldLimits.MAX_TEXT_BYTES - 4) + ".jpg";
    assertThat(only(put(atLimit, "image/jpeg", Map.of())).event().getKey()).isEqualTo(atLimit);
  }

  @Test
  void aSourceOrTagsOverTheStoreLimitsAreRejectedNamingTheField() {
    var source =
        only(
            put(
                "a.jpg",
                "image/jpeg",
                Map.of("X-Amz-Meta-Source", "é".repeat(FieldLimits.MAX_TEXT_BYTES / 2 + 1))));
    assertThat(source.rejectReason()).isEqualTo(FieldLimits.REASON);
    assertThat(source.rejectDetail()).startsWith("source of ");
    String tags33 = Fixtures.tooManyTags();
    var many = only(put("a.jpg", "image/jpeg", Map.of("X-Amz-Meta-Tags", tags33)));
    assertThat(many.rejectDetail()).contains("tags").contains(String.valueOf(FieldLimits.MAX_TAGS));
    var longTag =
        only(
            put(
                "a.jpg",
                "image/jpeg",
                Map.of("X-Amz-Meta-Tags", "ok," + "x".repeat(FieldLimits.MAX_TEXT_BYTES + 1))));
    assertThat(longTag.rejectDetail()).startsWith("tag of ");
    // a delete has no metadata, but its key is checked too
    var delete =
        only(
            MinioNotifications.toJson(
                MinioNotifications.of(
                    "s3:ObjectRemoved:Delete",
                    "images",
                    "k".repeat(2000) + ".jpg",
                    null,
                    null,
                    null,
                    null,
                    T,
                    "S")));
    assertThat(delete.rejectReason()).isEqualTo(FieldLimits.REASON);
  }

  @Test
  void aHugeTagsTextIsRejectedWithoutSplittingItAll() {
    String hostile = ",".repeat(5_000_000) + "a";
    long start = System.nanoTime();
    var o = only(put("a.jpg", "image/jpeg", Map.of("X-Amz-Meta-Tags", hostile)));
    assertThat(o.rejectReason()).isEqualTo(FieldLimits.REASON);
    assertThat(o.rejectDetail()).startsWith("tags text of ");
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    assertThat(NotificationMapper.tagsViolation("a, b ,c")).isNull();
    assertThat(NotificationMapper.parseTags("a, b ,c,,a")).containsExactly("a", "b", "c");
  }

  @Test
  void inAMultiRecordMessageOnlyTheOffendingRecordIsRejectedAndItIsKeptAsAOneRecordNotification() {
    var good =
        MinioNotifications.of(
            "s3:ObjectCreated:Put", "images", "ok.jpg", 5L, "e", "image/jpeg", Map.of(), T, "S1");
    var bad =
        MinioNotifications.of(
            "s3:ObjectCreated:Put",
            "images",
            "bad.jpg",
            5L,
            "e",
            "image/jpeg",
            Map.of("X-Amz-Meta-Source", "s".repeat(5000)),
            T,
            "S2");
    var both =
        new MinioNotification(
            null,
            null,
            List.of(good.records().get(0), bad.records().get(0), good.records().get(0)));
    var out = NotificationMapper.map(MinioNotifications.toJson(both));
    assertThat(out).hasSize(3);
    assertThat(out.get(0).event().getKey()).isEqualTo("ok.jpg");
    assertThat(out.get(2).event().getKey()).isEqualTo("ok.jpg");
    var rejected = out.get(1);
    assertThat(rejected.rejectDetail()).startsWith("source of 5000 UTF-8 bytes");
    var kept = MinioNotifications.parse(rejected.rejectedRecordJson());
    assertThat(kept.records()).hasSize(1);
    assertThat(kept.records().get(0).decodedKey()).isEqualTo("bad.jpg");
    assertThat(kept.key()).isEqualTo("images/bad.jpg");
  }

  @Test
  void onlyADeleteOfOneVersionIsAVersionDelete() {
    assertThat(
            NotificationMapper.map(notification("delete-version-v1.json")).get(0).versionDelete())
        .isTrue();
    assertThat(
            NotificationMapper.map(notification("delete-version-v1.json"))
                .get(0)
                .event()
                .getVersionId())
        .isEqualTo("3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8");
    assertThat(NotificationMapper.map(notification("delete-marker.json")).get(0).versionDelete())
        .isFalse();
    assertThat(NotificationMapper.map(notification("delete.json")).get(0).versionDelete())
        .isFalse();
    assertThat(NotificationMapper.map(notification("put-versioned.json")).get(0).versionDelete())
        .isFalse();
  }
}
