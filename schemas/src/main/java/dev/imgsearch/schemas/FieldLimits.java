package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The size limits of an image's fields, defined once: the stores declare their columns with these numbers (Milvus
 * VARCHAR max lengths and the tags ARRAY capacity, see the indexer's {@code CollectionSpec}) and the ingest stream
 * rejects an event that exceeds them to the dead-letter topic ({@value #REASON}) before it reaches any store. Pure.
 *
 * <p>Lengths are UTF-8 bytes, as Milvus counts them.
 */
public final class FieldLimits {
  /** Dead-letter reason of an event whose bucket, key, source or tags exceed these limits. */
  public static final String REASON = "field-over-limit";

  /** Max UTF-8 bytes of an id (VARCHAR primary key). */
  public static final int MAX_ID_BYTES = 64;
  /** Max UTF-8 bytes of a text field: bucket, key, source, model and each tag (S3 keys are ≤ 1024 bytes too). */
  public static final int MAX_TEXT_BYTES = 1024;
  /** Max number of tags of one image (the Milvus ARRAY capacity). */
  public static final int MAX_TAGS = 32;

  private FieldLimits() {}

  /**
   * Why these fields cannot be stored, or null when they can.
   *
   * @param source may be null
   * @param tags may be null (no tags)
   */
  public static String violation(String bucket, String key, String source, List<String> tags) {
    String v = text("bucket", bucket);
    if (v == null) {
      v = text("key", key);
    }
    if (v == null && source != null) {
      v = text("source", source);
    }
    if (v != null || tags == null) {
      return v;
    }
    if (tags.size() > MAX_TAGS) {
      return tags.size() + " tags, at most " + MAX_TAGS;
    }
    for (String tag : tags) {
      v = text("tag", tag);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** Why an id cannot be stored, or null. */
  public static String idViolation(String id) {
    if (id == null || id.isEmpty()) {
      return "empty id";
    }
    int n = utf8Length(id);
    return n > MAX_ID_BYTES ? "id of " + n + " bytes, at most " + MAX_ID_BYTES : null;
  }

  private static String text(String field, String value) {
    if (value == null) {
      return field + " is missing";
    }
    int n = utf8Length(value);
    return n > MAX_TEXT_BYTES ? field + " of " + n + " UTF-8 bytes, at most " + MAX_TEXT_BYTES : null;
  }

  /** UTF-8 length without encoding (unpaired surrogates count as the 1-byte '?' the encoder writes). */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** {@code s} cut to at most {@code maxBytes} UTF-8 bytes, on a character boundary, marked with "…" when cut. */
  public static String truncateUtf8(String s, int maxBytes) {
    if (s == null || utf8Length(s) <= maxBytes) {
      return s;
    }
    byte[] ellipsis = "…".getBytes(StandardCharsets.UTF_8);
    int budget = Math.max(0, maxBytes - ellipsis.length);
    int n = 0;
    int end = 0;
    while (end < s.length()) {
      int cp = s.codePointAt(end);
      int len = utf8Length(new String(Character.toChars(cp)));
      if (n + len > budget) {
        break;
      }
      n += len;
      end += Character.charCount(cp);
    }
    return s.substring(0, end) + "…";
  }
}
