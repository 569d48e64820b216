package dev.imgsearch.ingest;

import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;

/**
 * The camera/producer path's input: one raw frame per record of the raw-frames topic (wire format
 * and producer builder: {@link RawFrame}). Pure: validation and the deterministic object key.
 *
 * <p>Value: the image bytes. Headers (UTF-8 text): {@value RawFrame#H_SOURCE} (required; letters,
 * digits, {@code . _ -}), {@value RawFrame#H_CONTENT_TYPE} (required; {@code
 * image/jpeg|png|webp|gif|bmp|tiff}), {@value RawFrame#H_CAPTURED_AT} (optional; ISO-8601 or epoch
 * millis, default the record timestamp), {@value RawFrame#H_ID} (optional; letters, digits, {@code
 * _ -}, ≤ 128 chars, default the first 128 bits of the SHA-256 of the bytes, hex), {@value
 * RawFrame#H_TAGS} (optional, comma-separated).
 *
 * <p>Every header read here is refused ({@value #REJECT_HEADER}) when over its byte limit or
 * containing anything but printable ASCII, before anything is written; tags over the store's limits
 * are refused as {@value FieldLimits#REASON}.
 *
 * <p>Object key: {@code <source>/yyyy/MM/dd/HH/<id>.<ext>} with the capture time in UTC. Processing
 * the same record again writes the same object.
 */
public final class Frames {
  public static final String REJECT_EMPTY = "empty-frame";
  public static final String REJECT_TOO_LARGE = "frame-too-large";
  public static final String REJECT_HEADER = "invalid-frame-header";
  public static final String REJECT_CONTENT_TYPE = "unsupported-content-type";

  /** Max bytes of the {@value RawFrame#H_TAGS} header (S3 allows 2 KB of user metadata in all). */
  public static final int MAX_TAGS_HEADER_BYTES = 2048;

  /** Max bytes of each other header read here. */
  public static final int MAX_HEADER_BYTES = 256;

  /**
   * The headers read here: all of them end up in the object's key, content type or user metadata.
   */
  static final List<String> METADATA_HEADERS =
      List.of(
          RawFrame.H_SOURCE,
          RawFrame.H_CONTENT_TYPE,
          RawFrame.H_CAPTURED_AT,
          RawFrame.H_ID,
          RawFrame.H_TAGS);

  private static final Map<String, String> EXTENSIONS =
      Map.of(
          "image/jpeg",
          "jpg",
          "image/png",
          "png",
          "image/webp",
          "webp",
          "image/gif",
          "gif",
          "image/bmp",
          "bmp",
          "image/tiff",
          "tif");
  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final DateTimeFormatter HOUR_PATH =
      DateTimeFormatter.ofPattern("yyyy/MM/dd/HH", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Frames() {}

  /** A valid frame and where it goes. */
  public record Frame(
      String source,
      String contentType,
      long capturedAtMillis,
      String id,
      List<String> tags,
      String objectKey,
      byte[] bytes) {}

  /** Why a frame was refused; {@code reason} is the dead-letter reason. */
  public record Rejection(String reason, String detail) {}

  /** Either a frame or a rejection. */
  public record Parsed(Frame frame, Rejection rejection) {
    static Parsed reject(String reason, String detail) {
      return new Parsed(null, new Rejection(reason, detail));
    }
  }

  public static Parsed parse(byte[] value, Headers headers, long recordTimestamp, long maxBytes) {
    if (value == null || value.length == 0) {
      return Parsed.reject(REJECT_EMPTY, "frame has no bytes");
    }
    if (value.length > maxBytes) {
      return Parsed.reject(
          REJECT_TOO_LARGE,
          "frame of " + value.length + " bytes exceeds frames.max-bytes=" + maxBytes);
    }
    for (String name : METADATA_HEADERS) {
      String bad = headerViolation(headers, name);
      if (bad != null) {
        return Parsed.reject(REJECT_HEADER, bad);
      }
    }
    String source = header(headers, RawFrame.H_SOURCE);
    if (source == null || !SOURCE.matcher(source).matches() || source.contains("..")) {
      return Parsed.reject(
          REJECT_HEADER,
          "header '" + RawFrame.H_SOURCE + "' missing or not [A-Za-z0-9._-]: " + source);
    }
    String contentType = header(headers, RawFrame.H_CONTENT_TYPE);
    String ct =
        contentType == null ? null : contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
    String ext = ct == null ? null : EXTENSIONS.get(ct);
    if (ext == null) {
      return Parsed.reject(
          REJECT_CONTENT_TYPE,
          "header '" + RawFrame.H_CONTENT_TYPE + "' not a supported image type: " + contentType);
    }
    long capturedAt = recordTimestamp;
    String capturedText = header(headers, RawFrame.H_CAPTURED_AT);
    if (capturedText != null) {
      capturedAt = NotificationMapper.parseCapturedAt(capturedText, Long.MIN_VALUE);
      if (capturedAt == Long.MIN_VALUE) {
        return Parsed.reject(
            REJECT_HEADER,
            "header '"
                + RawFrame.H_CAPTURED_AT
                + "' is neither ISO-8601 nor epoch millis: "
                + capturedText);
      }
    }
    String id = header(headers, RawFrame.H_ID);
    if (id == null) {
      id = contentId(value);
    } else if (!ID.matcher(id).matches()) {
      return Parsed.reject(
          REJECT_HEADER, "header '" + RawFrame.H_ID + "' not [A-Za-z0-9_-]{1,128}: " + id);
    }
    List<String> tags = NotificationMapper.parseTags(header(headers, RawFrame.H_TAGS));
    String key = objectKey(source, capturedAt, id, ext);
    // the bucket is a setting, not part of the frame
    String overLimit = FieldLimits.violation("-", key, source, tags);
    if (overLimit != null) {
      return Parsed.reject(FieldLimits.REASON, overLimit);
    }
    return new Parsed(new Frame(source, ct, capturedAt, id, tags, key, value), null);
  }

  /**
   * Why header {@code name} cannot be used, or null: over its byte limit ({@value
   * #MAX_TAGS_HEADER_BYTES} for tags, {@value #MAX_HEADER_BYTES} for the others) or containing
   * anything but printable ASCII (a control character or a non-ASCII one in the S3 request's user
   * metadata makes the server answer {@code SignatureDoesNotMatch}). Checked on the raw value,
   * before any trimming.
   */
  static String headerViolation(Headers headers, String name) {
    var h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return null;
    }
    int max = RawFrame.H_TAGS.equals(name) ? MAX_TAGS_HEADER_BYTES : MAX_HEADER_BYTES;
    if (h.value().length > max) {
      return "header '" + name + "' of " + h.value().length + " bytes, at most " + max;
    }
    String s = new String(h.value(), StandardCharsets.UTF_8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        return String.format(
            Locale.ROOT,
            "header '%s' contains control character U+%04X at index %d",
            name,
            (int) c,
            i);
      }
      if (c > 0x7E) {
        return String.format(
            Locale.ROOT,
            "header '%s' contains non-ASCII character U+%04X at index %d (S3 user metadata is ASCII)",
            name,
            (int) c,
            i);
      }
    }
    return null;
  }

  public static String objectKey(String source, long capturedAtMillis, String id, String ext) {
    return source
        + "/"
        + HOUR_PATH.format(Instant.ofEpochMilli(capturedAtMillis))
        + "/"
        + id
        + "."
        + ext;
  }

  /** First 128 bits of SHA-256 over the bytes, hex. */
  public static String contentId(byte[] bytes) {
    return Sha256.hex128(bytes);
  }

  static String header(Headers headers, String name) {
    var h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return null;
    }
    String s = new String(h.value(), StandardCharsets.UTF_8).trim();
    return s.isEmpty() ? null : s;
  }
}
