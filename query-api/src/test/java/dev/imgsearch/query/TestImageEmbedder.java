package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.image.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Deterministic test embedder: decodes with ImageIO and embeds the mean red, green and blue (0..1)
 * plus a constant 0.2, L2-normalised, so images of similar colour score close to each other.
 * Rejects like the real embedder does.
 */
final class TestImageEmbedder implements ImageEmbedder {

  static final int DIMENSION = 4;
  static final String MODEL_ID = "test-mean-rgb@1";

  private final int maxBytes;

  TestImageEmbedder(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public String modelId() {
    return MODEL_ID;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] embed(byte[] encodedImage) throws ImageRejectedException {
    if (encodedImage.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY, "no bytes");
    }
    if (encodedImage.length > maxBytes) {
      throw new ImageRejectedException(
          Reason.TOO_LARGE, encodedImage.length + " bytes > " + maxBytes);
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encodedImage));
    } catch (IOException e) {
      throw new ImageRejectedException(Reason.CORRUPT, "cannot decode: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "not a known image format");
    }
    return meanColour(image);
  }

  @Override
  public List<float[]> embedAll(List<byte[]> encodedImages) throws ImageRejectedException {
    List<float[]> vectors = new ArrayList<>(encodedImages.size());
    for (byte[] image : encodedImages) {
      vectors.add(embed(image));
    }
    return vectors;
  }

  @Override
  public void close() {}

  /** The vector of a solid-colour image, without encoding it. */
  static float[] vectorOf(int red, int green, int blue) {
    return normalise(new double[] {red / 255.0, green / 255.0, blue / 255.0, 0.2});
  }

  private static float[] meanColour(BufferedImage image) {
    double[] sum = new double[DIMENSION];
    int pixels = image.getWidth() * image.getHeight();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        sum[0] += ((rgb >> 16) & 0xff) / 255.0;
        sum[1] += ((rgb >> 8) & 0xff) / 255.0;
        sum[2] += (rgb & 0xff) / 255.0;
      }
    }
    return normalise(new double[] {sum[0] / pixels, sum[1] / pixels, sum[2] / pixels, 0.2});
  }

  private static float[] normalise(double[] v) {
    double norm = 0;
    for (double c : v) {
      norm += c * c;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
