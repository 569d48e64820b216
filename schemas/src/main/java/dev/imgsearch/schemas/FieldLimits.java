package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The size limits of an image's fields, defined once: the stores declare their columns with these
 * numbers (Milvus VARCHAR max lengths and the tags ARRAY capacity, see the indexer's {@code
 * CollectionSpec}) and the ingest stream rejects an event that exceeds them to the dead-letter
 * topic ({@value #REASON}) before it reaches any store. Pure.
 *
 * <p>Lengths are UTF-8 bytes, as Milvus counts them.
 */
public final class FieldLimits {
  /** Dead-letter reason of an event whose bucket, key, source or tags exceed these limits. */
  public static final String REASON = "field-over-limit";

  /** Max UTF-8 bytes of an id (VARCHAR primary key). */
  public static final int MAX_ID_BYTES = 64;

  /**
   * Max UTF-8 bytes of a text field: bucket, key, source, model and each tag (S3 keys are ≤ 1024
   * bytes too).
   */
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
    return n > MAX_TEXT_BYTES
        ? field + " of " + n + " UTF-8 bytes, at most " + MAX_TEXT_BYTES
        : null;
  }

  /**
   * UTF-8 length without encoding (unpaired surrogates count as the 1-byte '?' the encoder writes).
   */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
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

  /**
   * {@code s} cut to at most {@code maxBytes} UTF-8 bytes, on a character boundary, marked with "…"
   * when cut.
   */
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

  // ---- detected objects and faces (ImageEmbedding.objects) ----

  /** Max detected items (objects and faces together) of one image. */
  public static final int MAX_ITEMS = 64;

  /** Max UTF-8 bytes of an item's class label (COCO names are ≤ 14). */
  public static final int MAX_LABEL_BYTES = 64;

  /**
   * Max item index: an item id is the image id, a kind letter and the index ({@code <image>.o12}).
   */
  public static final int MAX_ITEM_INDEX = 999;

  /** Max UTF-8 bytes of an item id: an image id plus {@code .o} and at most three digits. */
  public static final int MAX_ITEM_ID_BYTES = MAX_ID_BYTES + 5;

  /**
   * Why one detected item cannot be stored, or null when it can: index within 0..{@value
   * #MAX_ITEM_INDEX}, a non-empty label within {@value #MAX_LABEL_BYTES} bytes, a score in 0..1, a
   * box of 4 finite coordinates in 0..1 with x0 ≤ x1 and y0 ≤ y1, a model within {@value
   * #MAX_TEXT_BYTES} bytes. (The vector is checked by the store, which knows the dimension.)
   */
  public static String itemViolation(
      int index, String label, float score, List<Float> box, String model) {
    if (index < 0 || index > MAX_ITEM_INDEX) {
      return "item index " + index + " outside 0.." + MAX_ITEM_INDEX;
    }
    if (label == null || label.isEmpty()) {
      return "item " + index + " has no label";
    }
    if (utf8Length(label) > MAX_LABEL_BYTES) {
      return "item "
          + index
          + " label of "
          + utf8Length(label)
          + " UTF-8 bytes, at most "
          + MAX_LABEL_BYTES;
    }
    if (!(score >= 0f && score <= 1f)) {
      return "item " + index + " score " + score + " outside 0..1";
    }
    if (box == null || box.size() != 4) {
      return "item "
          + index
          + " box needs 4 coordinates x0,y0,x1,y1, has "
          + (box == null ? 0 : box.size());
    }
    for (Float c : box) {
      if (c == null || !(c >= 0f && c <= 1f)) {
        return "item " + index + " box coordinate " + c + " outside 0..1";
      }
    }
    if (box.get(0) > box.get(2) || box.get(1) > box.get(3)) {
      return "item " + index + " box " + box + " has x0 > x1 or y0 > y1";
    }
    String v = model == null ? "item " + index + " model is missing" : null;
    if (v == null && utf8Length(model) > MAX_TEXT_BYTES) {
      v =
          "item "
              + index
              + " model of "
              + utf8Length(model)
              + " UTF-8 bytes, at most "
              + MAX_TEXT_BYTES;
    }
    return v;
  }

  /** Why an image's item count cannot be stored, or null. */
  public static String itemCountViolation(int items) {
    return items > MAX_ITEMS ? items + " detected items, at most " + MAX_ITEMS : null;
  }
}
