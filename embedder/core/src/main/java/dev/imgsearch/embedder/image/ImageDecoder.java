package dev.imgsearch.embedder.image;

import dev.imgsearch.embedder.image.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted image bytes into an upright, opaque RGB image, within {@link DecodeLimits}.
 *
 * <ol>
 *   <li>size: 0 bytes → {@code empty}; more than {@code maxBytes} → {@code too-large};
 *   <li>format sniffed from the magic bytes ({@link ImageFormat}), never from a name or content
 *       type → else {@code unsupported-format};
 *   <li>width × height read from the header only, before any pixel is decoded → above {@code
 *       maxPixels}: {@code too-many-pixels} (decompression bombs cost nothing); longer / shorter
 *       side above {@code maxAspectRatio}: {@code aspect-ratio};
 *   <li>memory: the raster the reader will allocate (bands × bytes per sample from the header) plus
 *       the RGB copy must fit {@code maxRasterBytes}: the image is read further subsampled /
 *       DCT-scaled until it does, or rejected {@code raster-too-large} ({@link
 *       DecodeLimits#budgetedSubsampling}, {@link DecodeLimits#budgetedDctScale});
 *   <li>JPEGs (YCbCr, grey) go through libjpeg-turbo when it is installed ({@link TurboJpeg}),
 *       scaled in the DCT domain ({@link DecodeLimits#dctScale}); CMYK/YCCK, and anything
 *       libjpeg-turbo does not decode cleanly, fall back to ImageIO below, so the outcome of a file
 *       does not depend on which decoder ran;
 *   <li>otherwise large images are read subsampled ({@link DecodeLimits#subsampling}), so decode
 *       cost follows the model's input size, not the camera's;
 *   <li>first frame only (animated GIF, multi-page TIFF); CMYK/YCCK JPEG, 16-bit, grey and palette
 *       images converted; alpha flattened onto white; EXIF orientation applied (JPEG);
 *   <li>a truncated or damaged file → {@code corrupt}, including JPEGs the reader would "decode"
 *       with a grey tail.
 * </ol>
 *
 * Every failure is an {@link ImageRejectedException} with a reason; nothing else escapes.
 * Thread-safe.
 */
public final class ImageDecoder {
  static {
    ImageIO.setUseCache(false);
    ImageIO.scanForPlugins();
  }

  private final DecodeLimits limits;
  private final boolean turboJpeg;

  /**
   * Decodes JPEGs with libjpeg-turbo when {@link TurboJpeg#enabled()} (checked on every decode).
   */
  public ImageDecoder(DecodeLimits limits) {
    this(limits, true);
  }

  /** {@code turboJpeg = false}: ImageIO only, whatever is installed (tests, benchmarks). */
  public ImageDecoder(DecodeLimits limits, boolean turboJpeg) {
    this.limits = limits;
    this.turboJpeg = turboJpeg;
  }

  public DecodeLimits limits() {
    return limits;
  }

  public BufferedImage decode(byte[] data) throws ImageRejectedException {
    if (data == null || data.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY, "image is empty (0 bytes)");
    }
    if (data.length > limits.maxBytes()) {
      throw new ImageRejectedException(
          Reason.TOO_LARGE, "image is " + data.length + " bytes, limit is " + limits.maxBytes());
    }
    Optional<ImageFormat> format = ImageFormat.sniff(data);
    if (format.isEmpty()) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "not a recognised image format (first bytes " + hex(data, 8) + ")");
    }
    BufferedImage image = null;
    if (format.get() == ImageFormat.JPEG && turboJpeg && TurboJpeg.enabled()) {
      image = TurboJpeg.decode(data, limits); // null: ImageIO decides
    }
    if (image == null) {
      image = read(data, format.get());
    }
    if (format.get() == ImageFormat.JPEG) {
      image = ExifOrientation.apply(image, ExifOrientation.read(data));
    }
    return toRgb(image);
  }

  private BufferedImage read(byte[] data, ImageFormat format) throws ImageRejectedException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
      if (!readers.hasNext()) {
        throw new ImageRejectedException(
            Reason.UNSUPPORTED_FORMAT, "no decoder for " + format + " installed");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException(Reason.CORRUPT, "image header has no size");
        }
        limits.checkHeader(width, height);
        int bytesPerPixel = rasterBytesPerPixel(reader);
        int step = limits.budgetedSubsampling(width, height, bytesPerPixel);
        if (step < 0) {
          throw new ImageRejectedException(
              Reason.RASTER_TOO_LARGE,
              width
                  + "x"
                  + height
                  + " at "
                  + bytesPerPixel
                  + " bytes a pixel cannot be decoded within "
                  + limits.maxRasterBytes()
                  + " bytes");
        }
        ImageReadParam param = reader.getDefaultReadParam();
        if (step > 1) {
          param.setSourceSubsampling(step, step, 0, 0);
        }
        StringBuilder truncated = new StringBuilder();
        reader.addIIOReadWarningListener(
            (source, warning) -> {
              if (isTruncation(warning)) {
                truncated.append(warning);
              }
            });
        BufferedImage image = reader.read(0, param);
        if (truncated.length() > 0) {
          throw new ImageRejectedException(
              Reason.CORRUPT, "truncated " + format + ": " + truncated);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (ImageRejectedException e) {
      throw e;
    } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw new ImageRejectedException(
          Reason.CORRUPT,
          "cannot decode " + format + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Bytes per pixel of the raster the reader will allocate, from the header (bands × bytes per
   * sample, or the packed pixel size); 8 when the reader does not say.
   */
  static int rasterBytesPerPixel(ImageReader reader) {
    try {
      ImageTypeSpecifier type = reader.getRawImageType(0);
      if (type == null) {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        type = types != null && types.hasNext() ? types.next() : null;
      }
      if (type == null) {
        return 8;
      }
      SampleModel model = type.getSampleModel();
      int sampleBytes = Math.max(1, DataBuffer.getDataTypeSize(model.getDataType()) / 8);
      boolean packed =
          model instanceof SinglePixelPackedSampleModel
              || model instanceof MultiPixelPackedSampleModel;
      return packed ? sampleBytes : sampleBytes * model.getNumBands();
    } catch (IOException | RuntimeException e) {
      return 8;
    }
  }

  /**
   * Reader warnings that mean pixels are missing (the reader filled them with grey instead of
   * failing).
   */
  static boolean isTruncation(String warning) {
    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
    return w.contains("premature end") || w.contains("missing eoi") || w.contains("truncated");
  }

  private static String hex(byte[] data, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, data.length); i++) {
      sb.append(String.format("%02x", data[i] & 0xff));
    }
    return sb.toString();
  }

  /**
   * Opaque RGB; transparent pixels become white, palette / 16-bit / grey / CMYK-converted rasters
   * are converted.
   */
  static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage rgb =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
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
