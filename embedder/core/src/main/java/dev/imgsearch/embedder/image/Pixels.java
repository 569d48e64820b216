package dev.imgsearch.embedder.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;

/** Fast access to the pixels of an image. */
public final class Pixels {
  private Pixels() {}

  /**
   * The pixels as {@code 0xRRGGBB} (alpha bits undefined), row-major. For a plain {@code
   * TYPE_INT_RGB} image (what the decoder returns) this is the image's own array, not a copy: do
   * not modify it.
   */
  public static int[] rgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (image.getType() == BufferedImage.TYPE_INT_RGB
        && image.getRaster().getParent() == null
        && image.getRaster().getDataBuffer() instanceof DataBufferInt buffer
        && buffer.getNumBanks() == 1
        && buffer.getOffset() == 0
        && image.getSampleModel() instanceof SinglePixelPackedSampleModel sm
        && sm.getScanlineStride() == w
        && buffer.getData().length == w * h) {
      return buffer.getData();
    }
    return image.getRGB(0, 0, w, h, null, 0, w);
  }
}
