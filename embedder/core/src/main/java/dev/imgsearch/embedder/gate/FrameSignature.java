package dev.imgsearch.embedder.gate;

import dev.imgsearch.embedder.image.PerceptualHash;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * A cheap signature of a decoded frame, compared with the last embedded frame of its source: the
 * 64-bit DCT pHash and the 32×32 grey thumbnail it is computed from (luma 0…255, one byte a cell,
 * row by row). Both come from one pass over the pixels ({@link PerceptualHash#grey32}).
 *
 * @param phash {@link PerceptualHash} of the frame
 * @param thumbnail 32×32 = 1024 grey levels, unsigned bytes
 */
public record FrameSignature(long phash, byte[] thumbnail) {
  /** Cells of the thumbnail. */
  public static final int CELLS = 32 * 32;

  public FrameSignature {
    Objects.requireNonNull(thumbnail, "thumbnail");
    if (thumbnail.length != CELLS) {
      throw new IllegalArgumentException(
          "thumbnail must have " + CELLS + " cells, not " + thumbnail.length);
    }
  }

  /** The signature of an image of any size. */
  public static FrameSignature of(BufferedImage image) {
    return ofGrey(PerceptualHash.grey32(image));
  }

  /** The signature of a 32×32 grey-level matrix {@code [y][x]}. */
  public static FrameSignature ofGrey(double[][] grey) {
    byte[] t = new byte[CELLS];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        t[y * 32 + x] = (byte) Math.max(0, Math.min(255, Math.round(grey[y][x])));
      }
    }
    return new FrameSignature(PerceptualHash.ofGrey(grey), t);
  }

  /** Hamming distance of the pHashes, 0…64. */
  public int phashDistance(FrameSignature other) {
    return PerceptualHash.distance(phash, other.phash);
  }

  /** Mean absolute difference of the thumbnails' grey levels, 0 (identical) … 255. */
  public double meanDiff(FrameSignature other) {
    long sum = 0;
    for (int i = 0; i < CELLS; i++) {
      sum += Math.abs((thumbnail[i] & 0xff) - (other.thumbnail[i] & 0xff));
    }
    return (double) sum / CELLS;
  }

  /**
   * Cells whose grey level differs by more than {@code threshold}: how much of the picture moved.
   */
  public int changedCells(FrameSignature other, int threshold) {
    int n = 0;
    for (int i = 0; i < CELLS; i++) {
      if (Math.abs((thumbnail[i] & 0xff) - (other.thumbnail[i] & 0xff)) > threshold) {
        n++;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrameSignature s
        && s.phash == phash
        && Arrays.equals(s.thumbnail, thumbnail);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(phash) * 31 + Arrays.hashCode(thumbnail);
  }

  @Override
  public String toString() {
    return "FrameSignature[" + PerceptualHash.hex(phash) + "]";
  }
}
