package dev.imgsearch.ingest;

import dev.imgsearch.schemas.CommaSeparated;
import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.minio.MalformedNotificationException;
import dev.imgsearch.schemas.minio.MinioNotification;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one MinIO notification (one Kafka message, one or more records) into image events. Pure: no
 * I/O.
 *
 * <ul>
 *   <li>{@code s3:ObjectCreated:Put|Post|Copy|CompleteMultipartUpload} → CREATED, when {@link
 *       ImageFilter} admits the object; other objects are skipped with the filter's reason.
 *   <li>{@code s3:ObjectRemoved:Delete|DeleteMarkerCreated} → DELETED (bucket/prefix/suffix rules
 *       only).
 *   <li>Any other event name (e.g. {@code s3:ObjectAccessed:Get}) is skipped as {@value
 *       #SKIP_UNSUPPORTED}.
 *   <li>User metadata {@code X-Amz-Meta-Source}, {@code X-Amz-Meta-Captured-At} (ISO-8601 or epoch
 *       millis) and {@code X-Amz-Meta-Tags} (comma-separated) → source, capturedAt, tags; names are
 *       case-insensitive and the {@code x-amz-meta-} prefix is optional. capturedAt falls back to
 *       the event time.
 * </ul>
 *
 * A notification that is not JSON, has no records, or a record without bucket/key/valid
 * escaping/event time is a {@link MalformedNotificationException}: the whole message goes to the
 * dead-letter topic. A record whose bucket, key, source or tags exceed {@link FieldLimits} is
 * rejected alone ({@value FieldLimits#REASON}); the other records of the message go on.
 */
public final class NotificationMapper {
  public static final String META_SOURCE = "x-amz-meta-source";
  public static final String META_CAPTURED_AT = "x-amz-meta-captured-at";
  public static final String META_TAGS = "x-amz-meta-tags";
  public static final String SKIP_UNSUPPORTED = "unsupported-event";

  public static final Set<String> CREATED_EVENTS =
      Set.of(
          "s3:ObjectCreated:Put",
          "s3:ObjectCreated:Post",
          "s3:ObjectCreated:Copy",
          "s3:ObjectCreated:CompleteMultipartUpload");

  /**
   * The permanent deletion of one object version when it carries a version id (else an unversioned
   * delete).
   */
  public static final String VERSION_DELETE = "s3:ObjectRemoved:Delete";

  public static final Set<String> REMOVED_EVENTS =
      Set.of("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated");

  /**
   * Result for one record of a notification: an event (with MinIO's sequencer, may be null, and
   * whether it is the permanent deletion of one version, see {@link #versionDelete}), a skip
   * reason, or a rejection of this record alone (dead-letter reason and detail, and the record as a
   * one-record notification, replayable as it is).
   */
  public record Outcome(
      ImageEvent event,
      String sequencer,
      String skipReason,
      String rejectReason,
      String rejectDetail,
      String rejectedImageId,
      String rejectedRecordJson,
      boolean versionDelete) {
    static Outcome of(ImageEvent e, String sequencer, boolean versionDelete) {
      return new Outcome(e, sequencer, null, null, null, null, null, versionDelete);
    }

    static Outcome skip(String reason) {
      return new Outcome(null, null, reason, null, null, null, null, false);
    }

    static Outcome reject(String reason, String detail, String imageId, String recordJson) {
      return new Outcome(null, null, null, reason, detail, imageId, recordJson, false);
    }

    public boolean skipped() {
      return skipReason != null;
    }

    public boolean rejected() {
      return rejectReason != null;
    }
  }

  /**
   * Longest {@code x-amz-meta-tags} text read at all: {@value FieldLimits#MAX_TAGS} tags of {@value
   * FieldLimits#MAX_TEXT_BYTES} bytes and their commas. Anything longer cannot be stored and is
   * rejected unsplit.
   */
  public static final int MAX_TAGS_TEXT_CHARS =
      FieldLimits.MAX_TAGS * (FieldLimits.MAX_TEXT_BYTES + 1);

  private NotificationMapper() {}

  public static List<Outcome> map(String json) {
    return map(json, ImageFilter.IMAGES);
  }

  public static List<Outcome> map(String json, ImageFilter filter) {
    MinioNotification n = MinioNotifications.parse(json);
    List<Outcome> out = new ArrayList<>(n.records().size());
    for (MinioNotification.EventRecord r : n.records()) {
      if (r == null) {
        throw new MalformedNotificationException("null entry in Records");
      }
      out.add(map(r, filter));
    }
    return out;
  }

  static Outcome map(MinioNotification.EventRecord r, ImageFilter filter) {
    String eventName = r.eventName() == null ? "" : r.eventName();
    ImageEventType type;
    if (CREATED_EVENTS.contains(eventName)) {
      type = ImageEventType.CREATED;
    } else if (REMOVED_EVENTS.contains(eventName)) {
      type = ImageEventType.DELETED;
    } else {
      return Outcome.skip(SKIP_UNSUPPORTED);
    }
    String bucket = r.bucketName();
    String key;
    try {
      key = r.decodedKey();
    } catch (IllegalArgumentException e) {
      throw new MalformedNotificationException(
          "object key is not valid URL escaping: " + e.getMessage(), e);
    }
    if (bucket == null
        || bucket.isEmpty()
        || bucket.indexOf('/') >= 0
        || key == null
        || key.isEmpty()) {
      throw new MalformedNotificationException("record without bucket name or object key");
    }
    MinioNotification.S3Object object = r.s3().object();
    String reject =
        type == ImageEventType.CREATED
            ? filter.rejectCreated(bucket, key, object.contentType())
            : filter.rejectRemoved(bucket, key);
    if (reject != null) {
      return Outcome.skip(reject);
    }
    long eventTime = parseInstant(r.eventTime(), "eventTime");
    Map<String, String> meta = metadata(object.userMetadata());
    String capturedAtText = meta.get(META_CAPTURED_AT);
    long capturedAt =
        capturedAtText == null ? eventTime : parseCapturedAt(capturedAtText, eventTime);
    String tagsText = meta.get(META_TAGS);
    String violation = tagsViolation(tagsText);
    List<String> tags = violation == null ? parseTags(tagsText) : List.of();
    if (violation == null) {
      violation = FieldLimits.violation(bucket, key, meta.get(META_SOURCE), tags);
    }
    if (violation != null) {
      return Outcome.reject(
          FieldLimits.REASON,
          violation,
          ImageIds.of(bucket, key),
          MinioNotifications.toJson(
              new MinioNotification(eventName, bucket + "/" + key, List.of(r))));
    }
    String versionId = emptyToNull(object.versionId());
    return Outcome.of(
        ImageEvent.newBuilder()
            .setImageId(ImageIds.of(bucket, key))
            .setType(type)
            .setBucket(bucket)
            .setKey(key)
            .setVersionId(versionId)
            .setEtag(normaliseEtag(object.eTag()))
            .setSize(object.size())
            .setContentType(object.contentType())
            .setSource(meta.get(META_SOURCE))
            .setCapturedAtMillis(capturedAt)
            .setTags(tags)
            .setEventTimeMillis(eventTime)
            .build(),
        emptyToNull(object.sequencer()),
        VERSION_DELETE.equals(eventName) && versionId != null);
  }

  /** eTags without the quotes S3 puts around them, lower-case; null stays null. */
  public static String normaliseEtag(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.trim();
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e.isEmpty() ? null : e.toLowerCase(Locale.ROOT);
  }

  /** Why a tags text is too long to be read at all (over {@link #MAX_TAGS_TEXT_CHARS}), or null. */
  static String tagsViolation(String tags) {
    return tags != null && tags.length() > MAX_TAGS_TEXT_CHARS
        ? "tags text of " + tags.length() + " chars, at most " + MAX_TAGS_TEXT_CHARS
        : null;
  }

  /**
   * Comma-separated tags, trimmed, empty ones and repeats dropped. Reads at most {@link
   * #MAX_TAGS_TEXT_CHARS} chars (callers reject longer texts with {@link #tagsViolation}), so a
   * hostile text costs no more than a legal one; whether the result can be stored is {@link
   * FieldLimits#violation}'s call.
   */
  static List<String> parseTags(String tags) {
    if (tags == null || tags.isBlank()) {
      return List.of();
    }
    String text =
        tags.length() > MAX_TAGS_TEXT_CHARS ? tags.substring(0, MAX_TAGS_TEXT_CHARS) : tags;
    return CommaSeparated.items(text).stream().distinct().toList();
  }

  /** ISO-8601 instant or epoch millis; anything else → {@code fallback}. */
  static long parseCapturedAt(String text, long fallback) {
    String t = text.trim();
    try {
      return !t.isEmpty() && t.chars().allMatch(Character::isDigit)
          ? Long.parseLong(t)
          : Instant.parse(t).toEpochMilli();
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

  /** Lower-cased names, each also under its {@code x-amz-meta-} form. */
  private static Map<String, String> metadata(Map<String, String> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    m.forEach(
        (k, v) -> {
          String name = k.toLowerCase(Locale.ROOT);
          out.putIfAbsent(name.startsWith("x-amz-meta-") ? name : "x-amz-meta-" + name, v);
        });
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
