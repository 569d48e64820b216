package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.image.Pixels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Resizing, letterboxing, cropping and the float conversion for the detection models (NHWC, RGB).
 */
public final class ImageTensors {
  private ImageTensors() {}

  /**
   * The image placed into a {@code size × size} RGB input as {@code box} says. Large reductions go
   * through repeated halving first, so detail is averaged rather than aliased.
   */
  public static BufferedImage fit(BufferedImage src, Letterbox box, int size) {
    int w =
        box.padded()
            ? Math.max(1, (int) Math.round((double) src.getWidth() * size / box.side()))
            : size;
    int h =
        box.padded()
            ? Math.max(1, (int) Math.round((double) src.getHeight() * size / box.side()))
            : size;
    BufferedImage current = src;
    while (current.getWidth() / 2 >= w && current.getHeight() / 2 >= h) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    if (!box.padded()
        && current.getWidth() == size
        && current.getHeight() == size
        && current.getType() == BufferedImage.TYPE_INT_RGB) {
      return current;
    }
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int dx = box.padded() ? (int) Math.round((double) box.padX() * size / box.side()) : 0;
    int dy = box.padded() ? (int) Math.round((double) box.padY() * size / box.side()) : 0;
    Graphics2D g = dst.createGraphics();
    try {
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, size, size);
      bilinear(g);
      g.drawImage(current, dx, dy, w, h, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  /**
   * The {@link FaceCrop} of the image resized to {@code size × size}; black where it reaches
   * outside the image.
   */
  public static BufferedImage crop(BufferedImage src, FaceCrop crop, int size) {
    double scale = size / crop.size();
    int sx0 = (int) Math.max(0, Math.floor(crop.x()));
    int sy0 = (int) Math.max(0, Math.floor(crop.y()));
    int sx1 = (int) Math.min(src.getWidth(), Math.ceil(crop.x() + crop.size()));
    int sy1 = (int) Math.min(src.getHeight(), Math.ceil(crop.y() + crop.size()));
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    if (sx1 <= sx0 || sy1 <= sy0) {
      return dst;
    }
    BufferedImage region = src.getSubimage(sx0, sy0, sx1 - sx0, sy1 - sy0);
    int tw = Math.max(1, (int) Math.round(region.getWidth() * scale));
    int th = Math.max(1, (int) Math.round(region.getHeight() * scale));
    while (region.getWidth() / 2 >= tw && region.getHeight() / 2 >= th) {
      region = draw(region, region.getWidth() / 2, region.getHeight() / 2);
    }
    Graphics2D g = dst.createGraphics();
    try {
      bilinear(g);
      g.drawImage(
          region,
          (int) Math.round((sx0 - crop.x()) * scale),
          (int) Math.round((sy0 - crop.y()) * scale),
          tw,
          th,
          null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  /**
   * The pixels of a detection's box (e.g. an object, for its appearance vector), at least 1×1: the
   * box's edges rounded outwards to whole pixels. Shares the frame's raster (a view, no copy).
   */
  public static BufferedImage boxRegion(BufferedImage frame, Box box) {
    int w = frame.getWidth();
    int h = frame.getHeight();
    int x0 = Math.min(w - 1, (int) Math.floor(box.x0() * (double) w));
    int y0 = Math.min(h - 1, (int) Math.floor(box.y0() * (double) h));
    int x1 = Math.max(x0 + 1, Math.min(w, (int) Math.ceil(box.x1() * (double) w)));
    int y1 = Math.max(y0 + 1, Math.min(h, (int) Math.ceil(box.y1() * (double) h)));
    return frame.getSubimage(x0, y0, x1 - x0, y1 - y0);
  }

  /**
   * RGB bytes as float32 NHWC, each {@code value * scale + offset}, written at {@code offset} of
   * {@code out}.
   */
  public static void nhwc(BufferedImage image, float scale, float shift, float[] out, int offset) {
    int[] rgb = Pixels.rgb(image);
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      out[offset + 3 * i] = ((p >> 16) & 0xff) * scale + shift;
      out[offset + 3 * i + 1] = ((p >> 8) & 0xff) * scale + shift;
      out[offset + 3 * i + 2] = (p & 0xff) * scale + shift;
    }
  }

  public static float[] nhwc(BufferedImage image, float scale, float shift) {
    float[] out = new float[3 * image.getWidth() * image.getHeight()];
    nhwc(image, scale, shift, out, 0);
    return out;
  }

  private static BufferedImage draw(BufferedImage src, int w, int h) {
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      bilinear(g);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  private static void bilinear(Graphics2D g) {
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
  }
}
