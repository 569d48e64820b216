package dev.imgsearch.query;

import java.awt.Rectangle;

/**
 * The optional {@code box} of a search by an uploaded image: a normalised x0,y0,x1,y1 region of the
 * upload to search with (the detected objects' vectors are the image model on such crops). Pure.
 */
final class CropBox {
  static final String BOX = "box";

  private CropBox() {}

  /**
   * Parses {@code "x0,y0,x1,y1"}: four numbers in 0..1 with x0 < x1 and y0 < y1; null or blank →
   * null (no box).
   *
   * @throws InvalidQueryException otherwise
   */
  static float[] parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String[] parts = value.split(",", -1);
    if (parts.length != 4) {
      throw invalid(value);
    }
    float[] box = new float[4];
    for (int i = 0; i < 4; i++) {
      try {
        box[i] = Float.parseFloat(parts[i].strip());
      } catch (NumberFormatException e) {
        throw invalid(value);
      }
      if (!(box[i] >= 0f && box[i] <= 1f)) {
        throw invalid(value);
      }
    }
    if (box[0] >= box[2] || box[1] >= box[3]) {
      throw invalid(value);
    }
    return box;
  }

  /**
   * The pixel rectangle of {@code box} in a {@code width} × {@code height} image: outward-rounded,
   * at least 1 × 1.
   */
  static Rectangle pixels(float[] box, int width, int height) {
    int x0 = clamp((int) Math.floor(box[0] * width), 0, width - 1);
    int y0 = clamp((int) Math.floor(box[1] * height), 0, height - 1);
    int x1 = clamp((int) Math.ceil(box[2] * width), x0 + 1, width);
    int y1 = clamp((int) Math.ceil(box[3] * height), y0 + 1, height);
    return new Rectangle(x0, y0, x1 - x0, y1 - y0);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static InvalidQueryException invalid(String value) {
    return new InvalidQueryException(
        InvalidQueryException.INVALID_PARAMETER,
        BOX
            + " must be x0,y0,x1,y1: four numbers in 0..1 with x0 < x1 and y0 < y1, got "
            + FilterValues.describe(value));
  }
}
