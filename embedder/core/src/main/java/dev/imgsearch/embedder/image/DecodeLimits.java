package dev.imgsearch.embedder.image;

import dev.imgsearch.embedder.image.ImageRejectedException.Reason;

/**
 * Bounds on what the decoder accepts and on the memory one decode may take. Everything is checked
 * from the image header before any pixel is decoded, so a small file that claims a huge canvas (a
 * decompression bomb) costs nothing.
 *
 * <p>Memory: a decode allocates the reader's raster (width × height × bands × bytes per sample,
 * after subsampling) plus one 4-byte-per-pixel copy (the RGB conversion, or the EXIF rotation of a
 * JPEG); {@link #decodeBytes} is that sum and it must stay within {@code maxRasterBytes}: large
 * images are subsampled (ImageIO) or DCT-scaled (libjpeg-turbo) further than the model input alone
 * would need, and an image that would have to shrink below {@value #MIN_DECODED_SIDE} pixels on its
 * shorter side is rejected ({@code raster-too-large}).
 *
 * @param maxBytes largest encoded size accepted
 * @param maxPixels largest width × height accepted
 * @param targetShorterSide decoders that can subsample (JPEG, PNG, ...) read every n-th pixel as
 *     long as the shorter side stays at least twice this value; libjpeg-turbo scales JPEGs in the
 *     DCT domain as long as it stays at least this value ({@link #dctScale}); 0 disables both (the
 *     raster budget still applies)
 * @param maxRasterBytes largest {@link #decodeBytes} of one decode
 * @param maxAspectRatio longer side / shorter side above this → {@code aspect-ratio}
 */
public record DecodeLimits(
    long maxBytes, long maxPixels, int targetShorterSide, long maxRasterBytes, int maxAspectRatio)
    implements java.io.Serializable {
  /** Default {@link #maxRasterBytes}: 64 MiB. */
  public static final long DEFAULT_MAX_RASTER_BYTES = 64L << 20;

  /** Default {@link #maxAspectRatio}: 200 (a 10 000 × 50 banner passes). */
  public static final int DEFAULT_MAX_ASPECT_RATIO = 200;

  /** The smallest shorter side a decode is shrunk to in order to fit the budget. */
  public static final int MIN_DECODED_SIDE = 16;

  /**
   * Bytes per pixel of the copy a decode makes besides the reader's raster (RGB conversion or
   * rotation).
   */
  public static final int COPY_BYTES_PER_PIXEL = 4;

  /** Bytes per pixel libjpeg-turbo decodes into (packed RGB ints). */
  static final int TURBO_BYTES_PER_PIXEL = 4;

  public static final DecodeLimits DEFAULT = new DecodeLimits(32L << 20, 50_000_000L, 224);

  public DecodeLimits {
    if (maxBytes <= 0
        || maxPixels <= 0
        || targetShorterSide < 0
        || maxRasterBytes <= 0
        || maxAspectRatio < 1) {
      throw new IllegalArgumentException("decode limits must be positive");
    }
  }

  /** With the default raster budget and aspect-ratio limit. */
  public DecodeLimits(long maxBytes, long maxPixels, int targetShorterSide) {
    this(
        maxBytes, maxPixels, targetShorterSide, DEFAULT_MAX_RASTER_BYTES, DEFAULT_MAX_ASPECT_RATIO);
  }

  /**
   * Throws {@code too-many-pixels} or {@code aspect-ratio} for an image of {@code width × height}
   * (from a header).
   */
  public void checkHeader(int width, int height) throws ImageRejectedException {
    if ((long) width * height > maxPixels) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          width + "x" + height + " exceeds the limit of " + maxPixels + " pixels");
    }
    String aspect = aspectViolation(width, height);
    if (aspect != null) {
      throw new ImageRejectedException(Reason.ASPECT_RATIO, aspect);
    }
  }

  /** Why {@code width × height} has too extreme an aspect ratio, or null. */
  public String aspectViolation(int width, int height) {
    long longer = Math.max(width, height);
    long shorter = Math.max(1, Math.min(width, height));
    return longer > shorter * maxAspectRatio
        ? width + "x" + height + " has an aspect ratio over " + maxAspectRatio + ":1"
        : null;
  }

  /**
   * Subsampling step for an image of {@code width × height}: the largest n keeping the shorter side
   * ≥ 2·target.
   */
  public int subsampling(int width, int height) {
    if (targetShorterSide == 0) {
      return 1;
    }
    int shorter = Math.min(width, height);
    return Math.max(1, shorter / (2 * targetShorterSide));
  }

  /**
   * Bytes a decode of {@code width × height} read every {@code step}-th pixel costs: the reader's
   * raster ({@code bytesPerPixel}) plus the {@value #COPY_BYTES_PER_PIXEL}-byte copy.
   */
  public static long decodeBytes(int width, int height, int step, int bytesPerPixel) {
    long w = (width + (long) step - 1) / step;
    long h = (height + (long) step - 1) / step;
    return w * h * (bytesPerPixel + COPY_BYTES_PER_PIXEL);
  }

  /** Bytes a libjpeg-turbo decode at {@code eighths}/8 costs (packed RGB + the rotation copy). */
  public static long dctDecodeBytes(int width, int height, int eighths) {
    long w = ((long) width * eighths + 7) / 8;
    long h = ((long) height * eighths + 7) / 8;
    return w * h * (TURBO_BYTES_PER_PIXEL + COPY_BYTES_PER_PIXEL);
  }

  /**
   * The subsampling step that keeps a decode within {@link #maxRasterBytes}: {@link #subsampling},
   * or larger when the raster would not fit; -1 when even a step leaving a shorter side of {@value
   * #MIN_DECODED_SIDE} does not fit.
   */
  public int budgetedSubsampling(int width, int height, int bytesPerPixel) {
    int step = subsampling(width, height);
    if (decodeBytes(width, height, step, bytesPerPixel) <= maxRasterBytes) {
      return step;
    }
    // the smallest step that fits: start from the square-root estimate, then walk up
    double ratio = (double) decodeBytes(width, height, 1, bytesPerPixel) / maxRasterBytes;
    step = Math.max(step + 1, (int) Math.floor(Math.sqrt(ratio)));
    int shorter = Math.min(width, height);
    while (decodeBytes(width, height, step, bytesPerPixel) > maxRasterBytes) {
      step++;
    }
    return (shorter + step - 1) / step < Math.min(MIN_DECODED_SIDE, shorter) ? -1 : step;
  }

  /**
   * DCT-domain scaling for libjpeg-turbo, in eighths: the smallest of 1/8, 1/4, 1/2 that keeps the
   * shorter side ≥ target, else 8 (full size). A scaled IDCT low-pass filters (unlike subsampling,
   * which drops pixels), so the target itself suffices; power-of-two factors have SIMD IDCTs in
   * libjpeg-turbo, the odd eighths do not.
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

  /**
   * {@link #dctScale}, halved until the decode fits {@link #maxRasterBytes}; 0 when not even 1/8
   * fits (ImageIO, which can subsample further, decides).
   */
  public int budgetedDctScale(int width, int height) {
    for (int eighths = dctScale(width, height); eighths >= 1; eighths /= 2) {
      if (dctDecodeBytes(width, height, eighths) <= maxRasterBytes) {
        return eighths;
      }
    }
    return 0;
  }
}
