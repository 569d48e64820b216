package dev.imgsearch.embedder.model;

import dev.imgsearch.embedder.image.Pixels;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Turns a decoded image into the model's input tensor: resize (per {@link ModelDescriptor.Resize}),
 * channel order, {@code (pixel * scale - mean) / std}, in the model's layout. Pure and
 * deterministic.
 */
public final class Preprocessor {
  /** The colour model of {@code TYPE_INT_RGB}, for images made around resampled pixels. */
  private static final DirectColorModel RGB =
      new DirectColorModel(24, 0xff0000, 0x00ff00, 0x0000ff);

  private final ModelDescriptor model;
  private final float[][] levels;

  public Preprocessor(ModelDescriptor model) {
    this.model = model;
    this.levels = levels(model);
  }

  /** Number of floats one image occupies in the batch tensor. */
  public int imageSize() {
    return 3 * model.width() * model.height();
  }

  /** Writes the tensor of one image into {@code batch} starting at {@code offset}. */
  public void fill(BufferedImage image, float[] batch, int offset) {
    fillResized(resize(image), batch, offset);
  }

  /**
   * As {@link #fill} for an image {@link #resize(BufferedImage) resized} already: only the float
   * conversion.
   */
  public void fillResized(BufferedImage sized, float[] batch, int offset) {
    if (sized.getWidth() != model.width() || sized.getHeight() != model.height()) {
      throw new IllegalArgumentException(
          "image is "
              + sized.getWidth()
              + "x"
              + sized.getHeight()
              + ", model input "
              + model.width()
              + "x"
              + model.height());
    }
    int[] argb = Pixels.rgb(sized);
    int plane = model.width() * model.height();
    // the channel a pixel's red / green / blue byte feeds, and where it lands for pixel i:
    // offset + i * pixelStep + channel * channelStep
    boolean nchw = model.layout() == ModelDescriptor.Layout.NCHW;
    int pixelStep = nchw ? 1 : 3;
    int channelStep = nchw ? plane : 1;
    boolean bgr = model.channelOrder() == ModelDescriptor.ChannelOrder.BGR;
    int at0 = offset + (bgr ? 2 : 0) * channelStep; // red
    int at1 = offset + channelStep; // green
    int at2 = offset + (bgr ? 0 : 2) * channelStep; // blue
    float[] r = levels[bgr ? 2 : 0];
    float[] g = levels[1];
    float[] b = levels[bgr ? 0 : 2];
    for (int i = 0, o = 0; i < plane; i++, o += pixelStep) {
      int p = argb[i];
      batch[at0 + o] = r[(p >> 16) & 0xff];
      batch[at1 + o] = g[(p >> 8) & 0xff];
      batch[at2 + o] = b[p & 0xff];
    }
  }

  /**
   * {@code (level * scale - mean[c]) / std[c]} for each tensor channel {@code c} (in the model's
   * channel order) and byte level 0…255: the same float arithmetic as per pixel, done once.
   */
  private static float[][] levels(ModelDescriptor model) {
    float scale = model.scale();
    float[] mean = model.mean();
    float[] std = model.std();
    float[][] levels = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        levels[c][v] = (v * scale - mean[c]) / std[c];
      }
    }
    return levels;
  }

  /**
   * The image resized (and cropped) to the model input, {@code width × height} opaque RGB: what
   * {@link #fill} does first. Done ahead (e.g. on decode threads), it leaves {@link #fillResized}
   * only the float conversion. Not idempotent with {@code resizeShorterSide} (a 224² image is
   * cropped again): resize once.
   */
  public BufferedImage resize(BufferedImage image) {
    return resize(image, model.width(), model.height(), model.resize(), model.resizeShorterSide());
  }

  /** The tensor of one image. */
  public float[] toTensor(BufferedImage image) {
    float[] out = new float[imageSize()];
    fill(image, out, 0);
    return out;
  }

  /**
   * Resizes to exactly {@code w × h} ({@link Bilinear}). Large reductions go through repeated
   * halving (each step bilinear) so detail is averaged rather than aliased. An image already of the
   * target size is returned as opaque RGB, untouched.
   */
  static BufferedImage resize(BufferedImage src, int w, int h, ModelDescriptor.Resize mode) {
    return resize(src, w, h, mode, 0);
  }

  /**
   * As {@link #resize(BufferedImage, int, int, ModelDescriptor.Resize)}; with {@code shorterSide >
   * 0} and centre crop, the image is conceptually scaled so its shorter side is {@code
   * shorterSide}, and the centred {@code w × h} is kept (torchvision {@code Resize(shorterSide) +
   * CenterCrop}).
   */
  static BufferedImage resize(
      BufferedImage src, int w, int h, ModelDescriptor.Resize mode, int shorterSide) {
    int sx = 0;
    int sy = 0;
    int sw = src.getWidth();
    int sh = src.getHeight();
    if (mode == ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP && shorterSide > 0) {
      double scale = (double) shorterSide / Math.min(sw, sh); // output pixels per source pixel
      int cw = (int) Math.max(1, Math.min(sw, Math.round(w / scale)));
      int ch = (int) Math.max(1, Math.min(sh, Math.round(h / scale)));
      sx = (sw - cw) / 2;
      sy = (sh - ch) / 2;
      sw = cw;
      sh = ch;
    } else if (mode == ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP) {
      // crop the largest centred region with the target aspect ratio
      long lhs = (long) sw * h;
      long rhs = (long) sh * w;
      if (lhs > rhs) {
        int cw = (int) Math.max(1, Math.round((double) sh * w / h));
        sx = (sw - cw) / 2;
        sw = cw;
      } else if (lhs < rhs) {
        int ch = (int) Math.max(1, Math.round((double) sw * h / w));
        sy = (sh - ch) / 2;
        sh = ch;
      }
    }
    if (src.getType() != BufferedImage.TYPE_INT_RGB) {
      src = opaqueRgb(src);
    }
    if (sw == w && sh == h && sw == src.getWidth() && sh == src.getHeight()) {
      return src;
    }
    int[] pixels = Pixels.rgb(src);
    int stride = src.getWidth();
    while (sw / 2 >= w && sh / 2 >= h) {
      pixels = Bilinear.resize(pixels, stride, sx, sy, sw, sh, sw / 2, sh / 2);
      sx = 0;
      sy = 0;
      sw /= 2;
      sh /= 2;
      stride = sw;
    }
    return rgbImage(Bilinear.resize(pixels, stride, sx, sy, sw, sh, w, h), w, h);
  }

  /** {@code pixels} ({@code 0xRRGGBB}, row-major) as a {@code TYPE_INT_RGB} image, not copied. */
  static BufferedImage rgbImage(int[] pixels, int w, int h) {
    WritableRaster raster =
        Raster.createPackedRaster(
            new DataBufferInt(pixels, pixels.length), w, h, w, RGB.getMasks(), null);
    return new BufferedImage(RGB, raster, false, null);
  }

  /** An image of another type drawn onto opaque black, as {@code TYPE_INT_RGB}. */
  private static BufferedImage opaqueRgb(BufferedImage src) {
    BufferedImage dst =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    return dst;
  }
}
