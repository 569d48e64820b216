package dev.imgsearch.cli.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Deterministic synthetic photos for load: a gradient sky, random shapes and sensor-like noise,
 * JPEG-encoded. The same seed gives the same bytes; different seeds give visibly different images.
 */
public final class SyntheticJpegs {
  private SyntheticJpegs() {}

  /** A {@code width × height} JPEG (0.3 MP = 640 × 480). */
  public static byte[] jpeg(long seed, int width, int height) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, color(rnd), width, height, color(rnd)));
      g.fillRect(0, 0, width, height);
      int shapes = 6 + rnd.nextInt(12);
      for (int i = 0; i < shapes; i++) {
        g.setColor(color(rnd));
        int x = rnd.nextInt(width);
        int y = rnd.nextInt(height);
        int w = 10 + rnd.nextInt(width / 2);
        int h = 10 + rnd.nextInt(height / 2);
        switch (rnd.nextInt(3)) {
          case 0 -> g.fillOval(x - w / 2, y - h / 2, w, h);
          case 1 -> g.fillRect(x - w / 2, y - h / 2, w, h);
          default -> {
            g.setStroke(new java.awt.BasicStroke(2 + rnd.nextInt(12)));
            g.drawLine(x, y, rnd.nextInt(width), rnd.nextInt(height));
          }
        }
      }
    } finally {
      g.dispose();
    }
    for (int i = 0; i < width * height / 20; i++) {
      int x = rnd.nextInt(width);
      int y = rnd.nextInt(height);
      int rgb = img.getRGB(x, y);
      int d = rnd.nextInt(41) - 20;
      int r = clamp(((rgb >> 16) & 0xff) + d);
      int gg = clamp(((rgb >> 8) & 0xff) + d);
      int b = clamp((rgb & 0xff) + d);
      img.setRGB(x, y, (r << 16) | (gg << 8) | b);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      if (!ImageIO.write(img, "jpeg", out)) {
        throw new IllegalStateException("no JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Color color(SplittableRandom rnd) {
    return new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256));
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
