package dev.imgsearch.embedder.image;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates test images: photos-like scenes and every odd encoding a camera or a user can produce.
 */
public final class TestImages {
  private TestImages() {}

  /**
   * A deterministic scene with structure at several scales: gradient sky, shapes, and a
   * variant-specific pattern.
   */
  public static BufferedImage scene(int w, int h, int variant) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      java.util.Random rnd = new java.util.Random(variant);
      g.setPaint(
          new GradientPaint(
              0, 0, new Color(rnd.nextInt(0xFFFFFF)), w, h, new Color(rnd.nextInt(0xFFFFFF))));
      g.fillRect(0, 0, w, h);
      for (int i = 0; i < 12; i++) {
        g.setColor(new Color(rnd.nextInt(0xFFFFFF)));
        int x = rnd.nextInt(w);
        int y = rnd.nextInt(h);
        int s = Math.max(2, Math.min(w, h) / (3 + rnd.nextInt(6)));
        if (rnd.nextBoolean()) {
          g.fillOval(x - s / 2, y - s / 2, s, s);
        } else {
          g.fillRect(x - s / 2, y - s / 3, s, s * 2 / 3);
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /**
   * {@link #scene} plus per-pixel noise (±8), so a JPEG of it has a camera sensor's entropy, not a
   * drawing's.
   */
  public static BufferedImage noisyScene(int w, int h, int variant) {
    BufferedImage img = scene(w, h, variant);
    java.util.Random rnd = new java.util.Random(variant);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = img.getRGB(x, y);
        int n = rnd.nextInt(17) - 8;
        int r = Math.max(0, Math.min(255, ((p >> 16) & 0xff) + n));
        int g = Math.max(0, Math.min(255, ((p >> 8) & 0xff) + n));
        int b = Math.max(0, Math.min(255, (p & 0xff) + n));
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return img;
  }

  /** A progressive JPEG (ImageIO's default progression) at ImageIO's default quality. */
  public static byte[] progressiveJpeg(BufferedImage img) {
    return jpeg(
        new IIOImage(img, null, null),
        param -> param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT));
  }

  /** A JPEG by ImageIO's writer, with its default parameters as {@code tune} leaves them. */
  private static byte[] jpeg(
      IIOImage img, java.util.function.Consumer<javax.imageio.ImageWriteParam> tune) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
      tune.accept(param);
      writer.setOutput(out);
      writer.write(null, img, param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  public static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException(
            "no writer for " + format + " / image type " + img.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Inserts an APP1 Exif segment with the orientation tag right after SOI (big- or little-endian
   * TIFF).
   */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
    ByteBuffer tiff =
        ByteBuffer.allocate(26)
            .order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
    tiff.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M'));
    tiff.putShort((short) 42).putInt(8); // IFD0 at offset 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) orientation)
        .putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] exif = new byte[6 + 26];
    System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
    System.arraycopy(tiff.array(), 0, exif, 6, 26);
    int length = exif.length + 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.write(exif, 0, exif.length);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /**
   * {@code upright} as a camera stores a portrait shot: a JPEG turned 90° counter-clockwise with
   * EXIF orientation 6 (little-endian), so that a decoder applying the orientation shows {@code
   * upright} again.
   */
  public static byte[] rotatedJpeg(BufferedImage upright) {
    return withExifOrientation(encode(rotateCcw(upright), "jpg"), 6, true);
  }

  /** {@code src} resized to {@code w}×{@code h} (RGB, bilinear). */
  public static BufferedImage scaled(BufferedImage src, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /** Rotates 90° counter-clockwise (what a camera stores when the display needs orientation 6). */
  public static BufferedImage rotateCcw(BufferedImage src) {
    BufferedImage out =
        new BufferedImage(src.getHeight(), src.getWidth(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        out.setRGB(y, src.getWidth() - 1 - x, src.getRGB(x, y));
      }
    }
    return out;
  }

  /**
   * A PNG with a valid IHDR announcing {@code w × h} followed by a tiny IDAT and IEND: a
   * decompression-bomb header.
   */
  public static byte[] pngHeaderClaiming(int w, int h) {
    return png(w, h, 8, 2, new byte[] {0x78, (byte) 0x9c, 0x63, 0, 0, 0, 1, 0, 1});
  }

  /**
   * A complete, valid PNG of {@code w × h} ({@code bitDepth} 8 or 16, {@code colorType} 0 grey, 2
   * RGB, 6 RGBA) with a vertical gradient, deflated row by row: the file is tiny however large its
   * raster, and it is generated without ever holding the raster (a 399 × 125 000 RGB file is ~150
   * kB).
   */
  public static byte[] flatPng(int w, int h, int bitDepth, int colorType) {
    int channels =
        switch (colorType) {
          case 0 -> 1;
          case 2 -> 3;
          case 6 -> 4;
          default -> throw new IllegalArgumentException("colour type " + colorType);
        };
    int rowBytes = w * channels * bitDepth / 8;
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream z =
        new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9), 1 << 16)) {
      byte[] row = new byte[1 + rowBytes];
      for (int y = 0; y < h; y++) {
        java.util.Arrays.fill(row, 1, row.length, (byte) (y * 255L / Math.max(1, h - 1)));
        row[0] = 0;
        z.write(row);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return png(w, h, bitDepth, colorType, idat.toByteArray());
  }

  /** A PNG file: signature, the IHDR of {@code w × h} (no interlace), one IDAT, IEND. */
  private static byte[] png(int w, int h, int bitDepth, int colorType, byte[] idat) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) bitDepth)
            .put((byte) colorType)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A GIF logical screen descriptor claiming {@code w × h} (max 65535²) with one 1×1 frame. */
  public static byte[] gifHeaderClaiming(int w, int h) {
    return new byte[] {
      'G',
      'I',
      'F',
      '8',
      '9',
      'a',
      (byte) w,
      (byte) (w >> 8),
      (byte) h,
      (byte) (h >> 8),
      0,
      0,
      0,
      0x2C,
      0,
      0,
      0,
      0,
      (byte) w,
      (byte) (w >> 8),
      (byte) h,
      (byte) (h >> 8),
      0,
      0x02,
      0x02,
      0x44,
      0x01,
      0x00,
      0x3B
    };
  }

  /** A baseline JPEG whose SOF0 claims {@code w × h}; the scan data is that of a small image. */
  public static byte[] jpegHeaderClaiming(int w, int h) {
    byte[] jpeg = encode(scene(64, 48, 3), "jpg");
    for (int i = 2; i + 9 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == 0xC0) {
        jpeg[i + 5] = (byte) (h >> 8);
        jpeg[i + 6] = (byte) h;
        jpeg[i + 7] = (byte) (w >> 8);
        jpeg[i + 8] = (byte) w;
        return jpeg;
      }
    }
    throw new IllegalStateException("no SOF0");
  }

  /** A 4-channel (CMYK, no Adobe marker) JPEG written from a raster. */
  public static byte[] cmykJpeg(int w, int h) {
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        cmyk.setPixel(x, y, new int[] {x * 255 / w, y * 255 / h, 60, 20});
      }
    }
    return jpeg(new IIOImage(cmyk, null, null), param -> {});
  }

  /** 16 bits per channel RGB PNG. */
  public static byte[] png16BitRgb(int w, int h) {
    ColorModel cm =
        new ComponentColorModel(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
            new int[] {16, 16, 16},
            false,
            false,
            java.awt.Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, new int[] {x * 65535 / w, y * 65535 / h, 30000});
      }
    }
    return encode(new BufferedImage(cm, raster, false, null), "png");
  }

  /** 16-bit greyscale PNG. */
  public static byte[] png16BitGrey(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, (x + y) * 65535 / (w + h));
      }
    }
    return encode(img, "png");
  }

  /**
   * Palette PNG; with {@code transparentIndex ≥ 0} that palette entry is fully transparent (tRNS).
   */
  public static byte[] palettePng(int w, int h, int transparentIndex) {
    byte[] r = {(byte) 255, 0, 0, (byte) 200};
    byte[] g = {0, (byte) 255, 0, (byte) 200};
    byte[] b = {0, 0, (byte) 255, 0};
    IndexColorModel cm =
        transparentIndex >= 0
            ? new IndexColorModel(2, 4, r, g, b, transparentIndex)
            : new IndexColorModel(2, 4, r, g, b);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm);
    WritableRaster raster = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setSample(x, y, 0, (x / 8 + y / 8) % 4);
      }
    }
    return encode(img, "png");
  }

  /** An animated GIF: frame 0 all {@code first}, frame 1 all {@code second}. */
  public static byte[] animatedGif(int w, int h, Color first, Color second) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      for (Color c : new Color[] {first, second}) {
        BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(frame);
        IIOMetadata meta = writer.getDefaultImageMetadata(type, null);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", "10");
        gce.setAttribute("transparentColorIndex", "0");
        root.appendChild(gce);
        meta.setFromTree(format, root);
        writer.writeToSequence(new IIOImage(frame, null, meta), null);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
