package dev.imgsearch.embedder.image;

/**
 * Bounds on what the decoder accepts. {@code maxPixels} is checked from the image header before any pixel is
 * decoded, so a small file that claims a huge canvas (a decompression bomb) costs nothing.
 *
 * @param maxBytes largest encoded size accepted
 * @param maxPixels largest width × height accepted
 * @param targetShorterSide decoders that can subsample (JPEG, PNG, ...) read every n-th pixel as long as the shorter
 *     side stays at least twice this value; libjpeg-turbo scales JPEGs in the DCT domain as long as it stays at least
 *     this value ({@link #dctScale}); 0 disables both
 */
public record DecodeLimits(long maxBytes, long maxPixels, int targetShorterSide) implements java.io.Serializable {
  public static final DecodeLimits DEFAULT = new DecodeLimits(32L << 20, 50_000_000L, 224);

  public DecodeLimits {
    if (maxBytes <= 0 || maxPixels <= 0 || targetShorterSide < 0) {
      throw new IllegalArgumentException("decode limits must be positive");
    }
  }

  /** Subsampling step for an image of {@code width × height}: the largest n keeping the shorter side ≥ 2·target. */
  public int subsampling(int width, int height) {
    if (targetShorterSide == 0) {
      return 1;
    }
    int shorter = Math.min(width, height);
    return Math.max(1, shorter / (2 * targetShorterSide));
  }

  /**
   * DCT-domain scaling for libjpeg-turbo, in eighths: the smallest of 1/8, 1/4, 1/2 that keeps the shorter side
   * ≥ target, else 8 (full size). A scaled IDCT low-pass filters (unlike subsampling, which drops pixels), so the
   * target itself suffices; power-of-two factors have SIMD IDCTs in libjpeg-turbo, the odd eighths do not.
   */
  public int dctScale(int width, int height) {
    if (targetShorterSide == 0) {
      return 8;
    }
    long shorter = Math.min(width, height);
    for (int eighths = 1; eighths < 8; eighths *= 2) {
      if ((shorter * eighths + 7) / 8 >= targetShorterSide) {
        return eighths;
      }
    }
    return 8;
  }
}
