package dev.imgsearch.embedder.detect;

/**
 * How an image of {@code width × height} is placed into a square model input, and how boxes map
 * back.
 *
 * <p>{@link #stretch} scales each axis on its own (the whole frame fills the input; what upstream
 * does for the object detector). {@link #pad} centres the image on a square canvas of side {@code
 * max(width, height)} (black bars of {@code floor((side − size) / 2)} before), then scales: aspect
 * ratio kept (upstream's {@code square} face-detector option).
 */
public record Letterbox(int width, int height, int side, int padX, int padY) {
  public Letterbox {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
  }

  public static Letterbox stretch(int width, int height) {
    return new Letterbox(width, height, 0, 0, 0);
  }

  public static Letterbox pad(int width, int height) {
    int side = Math.max(width, height);
    return new Letterbox(width, height, side, (side - width) / 2, (side - height) / 2);
  }

  public boolean padded() {
    return side > 0;
  }

  /**
   * A box normalised to the model input, normalised to the image instead (clamped: the bars are
   * outside it).
   */
  public Box toImage(Box input) {
    if (!padded()) {
      return input;
    }
    return Box.clamped(
        (input.x0() * side - padX) / width,
        (input.y0() * side - padY) / height,
        (input.x1() * side - padX) / width,
        (input.y1() * side - padY) / height);
  }
}
