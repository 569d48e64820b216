package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.minio.MalformedNotificationException;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationMapperTest {
  private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  private static String put(String key, String contentType, Map<String, String> meta) {
    return MinioNotifications.toJson(
        MinioNotifications.of("s3:ObjectCreated:Put", "images", key, 5L, "e", contentType, meta, T, "S"));
  }

  @Test
  void metadataBecomesSourceCapturedAtAndTags() {
    var e =
        NotificationMapper.map(
                put("a.jpg", "image/jpeg",
                    Map.of("X-Amz-Meta-Source", "cam-7", "X-Amz-Meta-Captured-At", "2026-11-19T08:00:00Z",
                        "X-Amz-Meta-Tags", "door, night,,door")))
            .get(0)
            .event();
    assertThat(e.getSource()).isEqualTo("cam-7");
    assertThat(e.getCapturedAtMillis()).isEqualTo(Instant.parse("2026-11-19T08:00:00Z").toEpochMilli());
    assertThat(e.getTags()).containsExactly("door", "night");
    assertThat(e.getEventTimeMillis()).isEqualTo(T.toEpochMilli());
  }

  @Test
  void capturedAtAcceptsEpochMillisAndFallsBackToEventTime() {
    assertThat(NotificationMapper.map(put("a.jpg", "image/jpeg", Map.of("x-amz-meta-captured-at", "1234"))).get(0).event().getCapturedAtMillis())
        .isEqualTo(1234L);
    assertThat(NotificationMapper.map(put("a.jpg", "image/jpeg", Map.of("x-amz-meta-captured-at", "yesterday"))).get(0).event().getCapturedAtMillis())
        .isEqualTo(T.toEpochMilli());
  }

  @Test
  void imageDetectionByContentTypeThenExtension() {
    assertThat(NotificationMapper.isImage("image/png", "x.bin")).isTrue();
    assertThat(NotificationMapper.isImage("application/octet-stream", "x.JPG")).isTrue();
    assertThat(NotificationMapper.isImage(null, "x.webp")).isTrue();
    assertThat(NotificationMapper.isImage("text/plain", "x.jpg")).isFalse();
    assertThat(NotificationMapper.isImage("", "notes.txt")).isFalse();
    assertThat(NotificationMapper.map(put("a.txt", "text/plain", Map.of())).get(0).skipReason()).isEqualTo("not-an-image");
  }

  @Test
  void unknownEventKindsAreSkippedAndBadTimesRejected() {
    String access = put("a.jpg", "image/jpeg", Map.of()).replace("s3:ObjectCreated:Put", "s3:ObjectAccessed:Get");
    assertThat(NotificationMapper.map(access).get(0).skipReason()).isEqualTo("unsupported-event");
    String badTime = put("a.jpg", "image/jpeg", Map.of()).replace("2026-11-20T10:00:00Z", "noon");
    assertThatThrownBy(() -> NotificationMapper.map(badTime))
        .isInstanceOf(MalformedNotificationException.class)
        .hasMessageContaining("eventTime");
  }
}
