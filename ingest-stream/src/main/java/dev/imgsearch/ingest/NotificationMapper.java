package dev.imgsearch.ingest;

import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.minio.MalformedNotificationException;
import dev.imgsearch.schemas.minio.MinioNotification;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one MinIO notification into image events. Pure: no I/O, unit-tested on fixtures.
 *
 * <ul>
 *   <li>{@code s3:ObjectCreated:*} → CREATED, if the object is an image (content type {@code image/*}, or an image
 *       file extension when the content type is missing or generic); other objects are skipped.
 *   <li>{@code s3:ObjectRemoved:*} → DELETED (deleting an id that was never indexed is a no-op downstream).
 *   <li>User metadata {@code X-Amz-Meta-Source}, {@code X-Amz-Meta-Captured-At} (ISO-8601 or epoch millis) and
 *       {@code X-Amz-Meta-Tags} (comma-separated) become source, capturedAt and tags; capturedAt falls back to the
 *       event time.
 * </ul>
 *
 * A notification that is not JSON, has no records, or lacks bucket/key is a {@link MalformedNotificationException}.
 */
public final class NotificationMapper {
  public static final String META_SOURCE = "x-amz-meta-source";
  public static final String META_CAPTURED_AT = "x-amz-meta-captured-at";
  public static final String META_TAGS = "x-amz-meta-tags";

  private static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");
  private static final Set<String> GENERIC_TYPES = Set.of("", "application/octet-stream", "binary/octet-stream");

  /** Result for one record of a notification: an event, or a skip with its reason. */
  public record Outcome(ImageEvent event, String skipReason) {
    static Outcome of(ImageEvent e) {
      return new Outcome(e, null);
    }

    static Outcome skip(String reason) {
      return new Outcome(null, reason);
    }

    public boolean skipped() {
      return event == null;
    }
  }

  private NotificationMapper() {}

  public static List<Outcome> map(String json) {
    MinioNotification n = MinioNotifications.parse(json);
    List<Outcome> out = new ArrayList<>(n.records().size());
    for (MinioNotification.EventRecord r : n.records()) {
      out.add(map(r));
    }
    return out;
  }

  static Outcome map(MinioNotification.EventRecord r) {
    String eventName = r.eventName() == null ? "" : r.eventName();
    ImageEventType type;
    if (eventName.startsWith("s3:ObjectCreated:")) {
      type = ImageEventType.CREATED;
    } else if (eventName.startsWith("s3:ObjectRemoved:")) {
      type = ImageEventType.DELETED;
    } else {
      return Outcome.skip("unsupported-event");
    }
    String bucket = r.bucketName();
    String key;
    try {
      key = r.decodedKey();
    } catch (IllegalArgumentException e) {
      throw new MalformedNotificationException("object key is not valid URL escaping: " + e.getMessage(), e);
    }
    if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
      throw new MalformedNotificationException("record without bucket name or object key");
    }
    MinioNotification.S3Object object = r.s3().object();
    if (type == ImageEventType.CREATED && !isImage(object.contentType(), key)) {
      return Outcome.skip("not-an-image");
    }
    long eventTime = parseInstant(r.eventTime(), "eventTime");
    Map<String, String> meta = lowerCaseKeys(object.userMetadata());
    String capturedAtText = meta.get(META_CAPTURED_AT);
    Long capturedAt = capturedAtText == null ? eventTime : parseCapturedAt(capturedAtText, eventTime);
    return Outcome.of(
        ImageEvent.newBuilder()
            .setImageId(ImageIds.of(bucket, key))
            .setType(type)
            .setBucket(bucket)
            .setKey(key)
            .setVersionId(object.versionId())
            .setEtag(object.eTag())
            .setSize(object.size())
            .setContentType(object.contentType())
            .setSource(meta.get(META_SOURCE))
            .setCapturedAtMillis(capturedAt)
            .setTags(parseTags(meta.get(META_TAGS)))
            .setEventTimeMillis(eventTime)
            .build());
  }

  /** Image by content type; by extension only when the content type says nothing. */
  public static boolean isImage(String contentType, String key) {
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    if (ct.startsWith("image/")) {
      return true;
    }
    if (!GENERIC_TYPES.contains(ct)) {
      return false;
    }
    int dot = key.lastIndexOf('.');
    return dot >= 0 && IMAGE_EXTENSIONS.contains(key.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  static List<String> parseTags(String tags) {
    if (tags == null || tags.isBlank()) {
      return List.of();
    }
    return Arrays.stream(tags.split(",")).map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
  }

  private static long parseCapturedAt(String text, long fallback) {
    String t = text.trim();
    try {
      return t.chars().allMatch(Character::isDigit) ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException e) {
      return fallback;
    }
  }

  private static long parseInstant(String text, String field) {
    if (text == null) {
      throw new MalformedNotificationException("record without " + field);
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new MalformedNotificationException(field + " is not an ISO-8601 instant: " + text, e);
    }
  }

  private static Map<String, String> lowerCaseKeys(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }
}
