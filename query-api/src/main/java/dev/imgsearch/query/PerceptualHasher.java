package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.image.PerceptualHash;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;

/**
 * The 64-bit perceptual hash of an uploaded image, computed exactly as the embedder job computes it
 * for indexed images: the same {@link ImageDecoder} (format sniffing, limits, EXIF orientation,
 * subsampled decoding) followed by {@link PerceptualHash#of}. Thread-safe.
 */
@FunctionalInterface
public interface PerceptualHasher {

  /** Names the hash in search responses ({@code model}) of near-duplicate searches. */
  String ID = "dct-phash-64";

  /** Decodes {@code encodedImage} and hashes it. */
  long hash(byte[] encodedImage) throws ImageRejectedException;

  /** Decodes with {@code decoder}, then {@link PerceptualHash#of}. */
  static PerceptualHasher decodingWith(ImageDecoder decoder) {
    return bytes -> PerceptualHash.of(decoder.decode(bytes));
  }

  /**
   * The hasher matching an embedder: the ONNX embedder's own decoder (the one the job hashes with),
   * else a decoder with {@link DecodeLimits#DEFAULT}.
   */
  static PerceptualHasher forEmbedder(ImageEmbedder embedder) {
    ImageDecoder decoder =
        embedder instanceof OnnxImageEmbedder onnx
            ? onnx.decoder()
            : new ImageDecoder(DecodeLimits.DEFAULT);
    return decodingWith(decoder);
  }
}
