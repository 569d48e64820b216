package dev.imgsearch.embedder.image;

import dev.imgsearch.embedder.image.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted image bytes into an opaque RGB image, within {@link DecodeLimits}. The format is sniffed from the
 * bytes (ImageIO + TwelveMonkeys readers), never taken from a file name or content type. Alpha is flattened onto
 * white. Every failure is an {@link ImageRejectedException} with a reason; nothing else escapes.
 */
public final class ImageDecoder {
  static {
    ImageIO.setUseCache(false);
  }

  private final DecodeLimits limits;

  public ImageDecoder(DecodeLimits limits) {
    this.limits = limits;
  }

  public BufferedImage decode(byte[] data) throws ImageRejectedException {
    if (data == null || data.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY, "image is empty (0 bytes)");
    }
    if (data.length > limits.maxBytes()) {
      throw new ImageRejectedException(
          Reason.TOO_LARGE, "image is " + data.length + " bytes, limit is " + limits.maxBytes());
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "not a recognised image format");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException(Reason.CORRUPT, "image header has no size");
        }
        if ((long) width * height > limits.maxPixels()) {
          throw new ImageRejectedException(
              Reason.TOO_MANY_PIXELS,
              width + "x" + height + " exceeds the limit of " + limits.maxPixels() + " pixels");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = limits.subsampling(width, height);
        if (step > 1) {
          param.setSourceSubsampling(step, step, 0, 0);
        }
        return toRgb(reader.read(0, param));
      } finally {
        reader.dispose();
      }
    } catch (ImageRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw new ImageRejectedException(
          Reason.CORRUPT, "cannot decode image: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }


  /** Opaque RGB; transparent pixels become white, palette / 16-bit / grey are converted. */
  static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.drawImage(img, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }
}
