package dev.imgsearch.schemas.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinioNotificationsTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in =
        MinioNotificationsTest.class.getResourceAsStream("/notifications/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void parsesPutWithEscapedKey() throws IOException {
    MinioNotification n = MinioNotifications.parse(fixture("put-escaped-key.json"));

    assertThat(n.eventName()).isEqualTo("s3:ObjectCreated:Put");
    assertThat(n.records()).hasSize(1);
    MinioNotification.EventRecord r = n.records().get(0);
    assertThat(r.bucketName()).isEqualTo("images");
    assertThat(r.s3().object().key()).isEqualTo("cam+1%2Fa+b%2Bc.jpg");
    assertThat(r.decodedKey()).isEqualTo("cam 1/a b+c.jpg");
    assertThat(r.s3().object().size()).isEqualTo(48213L);
    assertThat(r.s3().object().contentType()).isEqualTo("image/jpeg");
    assertThat(r.s3().object().userMetadata()).containsEntry("X-Amz-Meta-Source", "cam-1");
    assertThat(r.eventTime()).isEqualTo("2026-11-20T10:15:30.123Z");
  }

  @Test
  void deleteEventsHaveNoSizeEtagOrContentType() throws IOException {
    MinioNotification.EventRecord r =
        MinioNotifications.parse(fixture("delete.json")).records().get(0);

    assertThat(r.eventName()).isEqualTo("s3:ObjectRemoved:Delete");
    assertThat(r.decodedKey()).isEqualTo("cam 1/a b+c.jpg");
    assertThat(r.s3().object().size()).isNull();
    assertThat(r.s3().object().eTag()).isNull();
    assertThat(r.s3().object().contentType()).isNull();
    assertThat(r.s3().object().userMetadata()).isNull();
  }

  @Test
  void rejectsGarbageEmptyAndRecordlessDocuments() {
    assertThatThrownBy(() -> MinioNotifications.parse("{not json"))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessageContaining("not MinIO notification JSON");
    assertThatThrownBy(() -> MinioNotifications.parse(""))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessage("empty notification");
    assertThatThrownBy(() -> MinioNotifications.parse("{\"EventName\":\"s3:ObjectCreated:Put\"}"))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessage("notification has no Records");
  }

  @Test
  void missingNestedFieldsYieldNullsNotExceptions() {
    MinioNotification n =
        MinioNotifications.parse("{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\"}]}");
    assertThat(n.records().get(0).decodedKey()).isNull();
    assertThat(n.records().get(0).bucketName()).isNull();
  }

  @Test
  void keyCodecMatchesGoQueryEscape() {
    assertThat(S3KeyCodec.encode("cam 1/a b+c~d*.jpg")).isEqualTo("cam+1%2Fa+b%2Bc~d%2A.jpg");
    assertThat(S3KeyCodec.encode("über/ß.png")).isEqualTo("%C3%BCber%2F%C3%9F.png");
    assertThat(S3KeyCodec.decode("%C3%BCber%2F%C3%9F.png")).isEqualTo("über/ß.png");
    assertThatThrownBy(() -> S3KeyCodec.decode("bad%zz"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builtNotificationRoundTripsAndOmitsObjectFieldsOnDelete() {
    Instant t = Instant.parse("2026-11-20T10:15:30.123Z");
    String put =
        MinioNotifications.toJson(
            MinioNotifications.of(
                "s3:ObjectCreated:Put",
                "images",
                "a b/c.jpg",
                10L,
                "etag1",
                "image/jpeg",
                Map.of("X-Amz-Meta-Source", "cam-9"),
                t,
                "SEQ1"));
    MinioNotification.EventRecord r = MinioNotifications.parse(put).records().get(0);
    assertThat(put)
        .contains("\"key\":\"a+b%2Fc.jpg\"")
        .contains("\"EventName\":\"s3:ObjectCreated:Put\"");
    assertThat(r.decodedKey()).isEqualTo("a b/c.jpg");
    assertThat(r.eventTime()).isEqualTo("2026-11-20T10:15:30.123Z");
    assertThat(r.s3().object().userMetadata()).containsEntry("X-Amz-Meta-Source", "cam-9");

    String del =
        MinioNotifications.toJson(
            MinioNotifications.of(
                "s3:ObjectRemoved:Delete",
                "images",
                "a b/c.jpg",
                10L,
                "etag1",
                "image/jpeg",
                Map.of(),
                t,
                "SEQ2"));
    assertThat(del).doesNotContain("\"size\"").doesNotContain("eTag").doesNotContain("contentType");
  }

  @Test
  void awkwardKeysVersionIdsAndMultipartEtagsFromMinioFixtures() throws IOException {
    var put = MinioNotifications.parse(fixture("put-unicode-key.json")).records().get(0);
    assertThat(put.decodedKey()).isEqualTo("caméra/日本 東京/100% + plus~tilde*star.jpg");
    assertThat(S3KeyCodec.encode(put.decodedKey())).isEqualTo(put.s3().object().key());
    var marker = MinioNotifications.parse(fixture("delete-marker.json")).records().get(0);
    assertThat(marker.eventName()).isEqualTo("s3:ObjectRemoved:DeleteMarkerCreated");
    assertThat(marker.s3().object().versionId()).isEqualTo("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    assertThat(marker.s3().object().eTag()).isNull();
    var multipart = MinioNotifications.parse(fixture("complete-multipart.json")).records().get(0);
    assertThat(multipart.s3().object().eTag()).endsWith("-3");
    assertThat(multipart.decodedKey()).isEqualTo("big/pano 12MP.jpg");
  }
}
