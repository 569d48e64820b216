package dev.imgsearch.query;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** A small generated PNG the readiness probe embeds to prove the model works end to end. */
final class ProbeImage {

  static final byte[] PNG = render();

  private ProbeImage() {}

  private static byte[] render() {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 32, 32, Color.BLUE));
    g.fillRect(0, 0, 32, 32);
    g.dispose();
    return png(image);
  }

  /** {@code image} encoded as PNG. */
  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
