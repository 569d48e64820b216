package dev.imgsearch.indexer.store;

import java.util.Objects;

/**
 * One object or face a detector found in an image, as stored with its parent {@link VectorRecord}:
 * each is a row of its own (Milvus: the {@code <collection>_objects} / {@code <collection>_faces}
 * collections; Lucene: documents of their own in the same index), keyed by {@link #id(String, Kind,
 * int)}.
 *
 * @param index position in the image, unique per kind (the item id derives from it)
 * @param label COCO class name ({@code person}, {@code car}, ...); {@code face} for faces
 * @param classId COCO class id (0..79); -1 for faces
 * @param score detector confidence 0..1
 * @param box normalised x0, y0, x1, y1 in 0..1
 * @param model detector and vector model id
 * @param vector L2-normalised: the image model on the crop (objects, the frame dimension) or the
 *     face descriptor
 */
public record DetectedItem(
    Kind kind,
    int index,
    String label,
    int classId,
    float score,
    float[] box,
    String model,
    float[] vector) {

  /** What was detected; each kind has its own vector space and collection. */
  public enum Kind {
    OBJECT('o'),
    FACE('f');

    private final char letter;

    Kind(char letter) {
      this.letter = letter;
    }

    /** The letter of this kind in an item id. */
    public char letter() {
      return letter;
    }
  }

  /** Between the image id and the kind letter in an item id. */
  public static final char SEPARATOR = '.';

  public DetectedItem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(box, "box");
    Objects.requireNonNull(vector, "vector");
    label = Objects.requireNonNullElse(label, "");
    model = Objects.requireNonNullElse(model, "");
  }

  /** This item's id under the image {@code parentId}. */
  public String id(String parentId) {
    return id(parentId, kind, index);
  }

  /**
   * The id of item {@code index} of {@code kind} in image {@code parentId}: {@code <parentId>.o3},
   * {@code <parentId>.f0} (URL-path safe).
   */
  public static String id(String parentId, Kind kind, int index) {
    return parentId + SEPARATOR + kind.letter() + index;
  }

  /** A parsed item id. */
  public record ItemId(String parentId, Kind kind, int index) {}

  /**
   * Parses an item id of {@link #id(String, Kind, int)}.
   *
   * @throws IllegalArgumentException when {@code itemId} is not one
   */
  public static ItemId parseId(String itemId) {
    int slash = itemId == null ? -1 : itemId.lastIndexOf(SEPARATOR);
    if (slash < 1 || slash + 1 >= itemId.length()) {
      throw new IllegalArgumentException(
          "not an object or face id (<image id>.o<n> or .f<n>): " + itemId);
    }
    char letter = itemId.charAt(slash + 1);
    Kind kind = letter == 'o' ? Kind.OBJECT : letter == 'f' ? Kind.FACE : null;
    String digits = itemId.substring(slash + 2);
    if (kind == null
        || digits.isEmpty()
        || digits.length() > 3
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "not an object or face id (<image id>.o<n> or .f<n>): " + itemId);
    }
    return new ItemId(itemId.substring(0, slash), kind, Integer.parseInt(digits));
  }
}
