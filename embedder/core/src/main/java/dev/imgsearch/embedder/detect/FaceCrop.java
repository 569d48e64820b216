package dev.imgsearch.embedder.detect;

/**
 * The square region of an image a face descriptor sees: the face box centred, its longer side
 * enlarged by {@code enlarge} (upstream: 1.4, so forehead, chin and ears are in), in pixels. It may
 * reach outside the image; the outside is black, as {@code tf.image.cropAndResize} extrapolates
 * with 0.
 *
 * @param x left edge in image pixels (may be negative)
 * @param y top edge in image pixels (may be negative)
 * @param size side in image pixels
 */
public record FaceCrop(double x, double y, double size) {
  public static final double UPSTREAM_ENLARGE = 1.4;

  public FaceCrop {
    if (!(size > 0)) {
      throw new IllegalArgumentException("crop size must be positive, got " + size);
    }
  }

  public static FaceCrop of(Box face, int imageWidth, int imageHeight, double enlarge) {
    if (!(enlarge > 0)) {
      throw new IllegalArgumentException("enlarge must be positive");
    }
    double cx = (face.x0() + face.x1()) / 2.0 * imageWidth;
    double cy = (face.y0() + face.y1()) / 2.0 * imageHeight;
    double side =
        Math.max(face.width() * (double) imageWidth, face.height() * (double) imageHeight)
            * enlarge;
    side = Math.max(side, 1);
    return new FaceCrop(cx - side / 2, cy - side / 2, side);
  }
}
