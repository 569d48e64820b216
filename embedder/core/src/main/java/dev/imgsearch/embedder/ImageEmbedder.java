package dev.imgsearch.embedder;

import dev.imgsearch.embedder.image.ImageRejectedException;
import java.util.List;

/**
 * Turns encoded images (JPEG, PNG, ...) into L2-normalised embedding vectors with one model.
 * Thread-safe.
 *
 * <p>Used by the Flink job and by the query API, so a query image is embedded exactly as indexed
 * images are.
 */
public interface ImageEmbedder extends AutoCloseable {

  /** Model id and version carried on every vector, e.g. {@code nsfwjs-mobilenetv2-b13@1}. */
  String modelId();

  /** Vector length. */
  int dimension();

  /** Decodes, preprocesses and embeds one image. */
  float[] embed(byte[] encodedImage) throws ImageRejectedException;

  /**
   * Embeds several already-validated images in one model call (micro-batch). The result has one
   * vector per input, in order.
   */
  List<float[]> embedAll(List<byte[]> encodedImages) throws ImageRejectedException;

  @Override
  void close();
}
