package dev.imgsearch.embedder.image;

import java.awt.image.BufferedImage;

/**
 * 64-bit DCT perceptual hash (the "pHash" of Zauner 2010 as popularised by the {@code imagehash}
 * library): the image is reduced to 32×32 grey levels by area averaging, transformed with a 2-D
 * DCT-II, and each of the 8×8 lowest-frequency coefficients becomes one bit: 1 when above the
 * median of those 64. Bit 63 is coefficient (0,0), then row by row. Rescaling, re-encoding and
 * small colour changes flip few bits; a different picture flips about half. Compare with {@link
 * #distance} (Hamming): ≤ 10 is a near-duplicate in practice.
 */
public final class PerceptualHash {
  static final int SIZE = 32;
  static final int LOW = 8;
  private static final double[][] COS = new double[LOW][SIZE];

  static {
    for (int u = 0; u < LOW; u++) {
      for (int x = 0; x < SIZE; x++) {
        COS[u][x] = Math.cos((2 * x + 1) * u * Math.PI / (2 * SIZE));
      }
    }
  }

  private PerceptualHash() {}

  /** The hash of an image of any size. */
  public static long of(BufferedImage image) {
    return ofGrey(grey32(image));
  }

  /** The hash of a 32×32 grey-level matrix {@code [y][x]} ({@link #grey32}). */
  public static long ofGrey(double[][] g) {
    double[] coefficients = new double[LOW * LOW];
    double[][] rows = new double[SIZE][LOW]; // DCT along x, first LOW frequencies only
    for (int y = 0; y < SIZE; y++) {
      for (int u = 0; u < LOW; u++) {
        double s = 0;
        for (int x = 0; x < SIZE; x++) {
          s += g[y][x] * COS[u][x];
        }
        rows[y][u] = s;
      }
    }
    for (int v = 0; v < LOW; v++) {
      for (int u = 0; u < LOW; u++) {
        double s = 0;
        for (int y = 0; y < SIZE; y++) {
          s += rows[y][u] * COS[v][y];
        }
        coefficients[v * LOW + u] = s;
      }
    }
    double[] sorted = coefficients.clone();
    java.util.Arrays.sort(sorted);
    double median = (sorted[31] + sorted[32]) / 2;
    long hash = 0;
    for (double c : coefficients) {
      hash = (hash << 1) | (c > median ? 1 : 0);
    }
    return hash;
  }

  /** Number of differing bits, 0 (same) … 64. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** Hexadecimal form, 16 digits. */
  public static String hex(long hash) {
    return String.format("%016x", hash);
  }

  /**
   * 32×32 luma (BT.601) by box averaging: every source pixel counts once, in the cell that holds it
   * (a cell averages ⌊w/32⌋ or ⌈w/32⌉ columns). Images narrower than 32 pixels repeat their pixels.
   * The luma is summed in integers ({@code 299 r + 587 g + 114 b}, exact) and divided once per
   * cell, so each cell is the correctly rounded mean; a run of a row's pixels in one cell is summed
   * in a local accumulator (no dependency on the previous pixel's memory write).
   */
  public static double[][] grey32(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = Pixels.rgb(image);
    // columns [from[c], from[c + 1]) fall in cell c: the x with x * SIZE / w == c
    int[] from = new int[SIZE + 1];
    for (int c = 0; c <= SIZE; c++) {
      from[c] = (int) (((long) c * w + SIZE - 1) / SIZE);
    }
    long[][] sum = new long[SIZE][SIZE];
    int[] rows = new int[SIZE];
    for (int y = 0; y < h; y++) {
      int cy = (int) ((long) y * SIZE / h);
      rows[cy]++;
      long[] row = sum[cy];
      int base = y * w;
      for (int c = 0; c < SIZE; c++) {
        long acc = 0;
        for (int i = base + from[c], end = base + from[c + 1]; i < end; i++) {
          int p = rgb[i];
          acc += 299 * ((p >> 16) & 0xff) + 587 * ((p >> 8) & 0xff) + 114 * (p & 0xff);
        }
        row[c] += acc;
      }
    }
    double[][] grey = new double[SIZE][SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        long count = (long) rows[y] * (from[x + 1] - from[x]);
        if (count > 0) {
          grey[y][x] = sum[y][x] / (1000.0 * count);
        }
      }
    }
    // cells without a pixel (images smaller than 32 in a direction) copy the cell of the nearest
    // source pixel
    for (int y = 0; y < SIZE; y++) {
      int cy = (int) ((long) Math.min(h - 1, y * h / SIZE) * SIZE / h);
      for (int x = 0; x < SIZE; x++) {
        if (rows[y] == 0 || from[x + 1] == from[x]) {
          grey[y][x] = grey[cy][(int) ((long) Math.min(w - 1, x * w / SIZE) * SIZE / w)];
        }
      }
    }
    return grey;
  }
}
