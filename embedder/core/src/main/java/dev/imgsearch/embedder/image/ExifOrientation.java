package dev.imgsearch.embedder.image;

import java.awt.image.BufferedImage;

/**
 * The EXIF orientation tag (0x0112) of a JPEG, and the transform that makes the image upright.
 * Cameras store the sensor's pixels and record the rotation in this tag; viewers apply it, so must
 * we, or a portrait photo and its upright copy embed far apart. Parsing is bounds-checked: a
 * damaged EXIF block yields 1 (upright), never an error.
 */
public final class ExifOrientation {
  /** Upright: no transform. Values 2–8 follow the EXIF 2.3 specification. */
  public static final int NORMAL = 1;

  private ExifOrientation() {}

  /** The orientation recorded in the first APP1 "Exif" segment of a JPEG, or {@link #NORMAL}. */
  public static int read(byte[] jpeg) {
    try {
      return readOrThrow(jpeg);
    } catch (IndexOutOfBoundsException e) {
      return NORMAL;
    }
  }

  private static int readOrThrow(byte[] d) {
    if (d.length < 4 || (d[0] & 0xff) != 0xFF || (d[1] & 0xff) != 0xD8) {
      return NORMAL;
    }
    int pos = 2;
    while (pos + 4 <= d.length) {
      if ((d[pos] & 0xff) != 0xFF) {
        return NORMAL;
      }
      int marker = d[pos + 1] & 0xff;
      if (marker == 0xFF) { // fill byte
        pos++;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) { // start of scan / end of image: no more metadata
        return NORMAL;
      }
      int length = u16(d, pos + 2, false);
      if (length < 2) {
        return NORMAL;
      }
      int segment = pos + 4;
      if (marker == 0xE1
          && length >= 16
          && d[segment] == 'E'
          && d[segment + 1] == 'x'
          && d[segment + 2] == 'i'
          && d[segment + 3] == 'f'
          && d[segment + 4] == 0
          && d[segment + 5] == 0) {
        return fromTiff(d, segment + 6, pos + 2 + length);
      }
      pos += 2 + length;
    }
    return NORMAL;
  }

  private static int fromTiff(byte[] d, int tiff, int end) {
    boolean little;
    if (d[tiff] == 'I' && d[tiff + 1] == 'I') {
      little = true;
    } else if (d[tiff] == 'M' && d[tiff + 1] == 'M') {
      little = false;
    } else {
      return NORMAL;
    }
    if (u16(d, tiff + 2, little) != 42) {
      return NORMAL;
    }
    long ifd = tiff + u32(d, tiff + 4, little);
    if (ifd + 2 > end) {
      return NORMAL;
    }
    int entries = u16(d, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + 12 * i;
      if (entry + 12 > end) {
        return NORMAL;
      }
      if (u16(d, entry, little) == 0x0112) {
        int type = u16(d, entry + 2, little);
        int value = type == 3 ? u16(d, entry + 8, little) : (int) u32(d, entry + 8, little);
        return value >= 1 && value <= 8 ? value : NORMAL;
      }
    }
    return NORMAL;
  }

  private static int u16(byte[] d, int p, boolean little) {
    int a = d[p] & 0xff;
    int b = d[p + 1] & 0xff;
    return little ? a | b << 8 : a << 8 | b;
  }

  private static long u32(byte[] d, int p, boolean little) {
    long a = u16(d, p, little);
    long b = u16(d, p + 2, little);
    return little ? a | b << 16 : a << 16 | b;
  }

  /** Whether the orientation swaps width and height (a 90° or 270° rotation, possibly mirrored). */
  public static boolean swapsAxes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /**
   * {@code image} made upright for {@code orientation}; the same object for {@link #NORMAL} or
   * unknown values.
   */
  public static BufferedImage apply(BufferedImage image, int orientation) {
    if (orientation <= NORMAL || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] src = Pixels.rgb(image);
    boolean swap = swapsAxes(orientation);
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] dst = new int[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> {
            dx = w - 1 - x;
            dy = y;
          }
          case 3 -> {
            dx = w - 1 - x;
            dy = h - 1 - y;
          }
          case 4 -> {
            dx = x;
            dy = h - 1 - y;
          }
          case 5 -> {
            dx = y;
            dy = x;
          }
          case 6 -> {
            dx = h - 1 - y;
            dy = x;
          }
          case 7 -> {
            dx = h - 1 - y;
            dy = w - 1 - x;
          }
          default -> {
            dx = y;
            dy = w - 1 - x;
          } // 8
        }
        dst[dy * ow + dx] = src[y * w + x];
      }
    }
    BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, ow, oh, dst, 0, ow);
    return out;
  }
}
