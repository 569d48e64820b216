package dev.imgsearch.embedder.detect;

/**
 * An axis-aligned box in normalised image coordinates: {@code (x0, y0)} top-left, {@code (x1, y1)}
 * bottom-right, each in {@code [0, 1]} with {@code x0 ≤ x1}, {@code y0 ≤ y1} (fractions of the
 * image width and height).
 */
public record Box(float x0, float y0, float x1, float y1) {
  public Box {
    if (!(x0 >= 0 && y0 >= 0 && x1 <= 1 && y1 <= 1 && x0 <= x1 && y0 <= y1)) {
      throw new IllegalArgumentException(
          "box (" + x0 + "," + y0 + ")-(" + x1 + "," + y1 + ") is not normalised");
    }
  }

  /**
   * The box with its corners clamped to {@code [0, 1]} (corners swapped if given the wrong way
   * round).
   */
  public static Box clamped(double x0, double y0, double x1, double y1) {
    double ax = clamp(Math.min(x0, x1));
    double bx = clamp(Math.max(x0, x1));
    double ay = clamp(Math.min(y0, y1));
    double by = clamp(Math.max(y0, y1));
    return new Box((float) ax, (float) ay, (float) bx, (float) by);
  }

  private static double clamp(double v) {
    return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
  }

  public float width() {
    return x1 - x0;
  }

  public float height() {
    return y1 - y0;
  }

  public float area() {
    return width() * height();
  }

  /** Intersection over union; 0 when either box is empty. */
  public float iou(Box o) {
    float ix = Math.min(x1, o.x1) - Math.max(x0, o.x0);
    float iy = Math.min(y1, o.y1) - Math.max(y0, o.y0);
    if (ix <= 0 || iy <= 0) {
      return 0;
    }
    float inter = ix * iy;
    float union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
