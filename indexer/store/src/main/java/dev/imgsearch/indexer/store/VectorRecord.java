package dev.imgsearch.indexer.store;

import java.util.List;
import java.util.Objects;

/**
 * One stored image: its vector and the metadata queries filter and display on.
 *
 * @param phash the image's 64-bit DCT perceptual hash (embedder {@code PerceptualHash}: bit 63 = lowest frequency), or
 *     null when it was not computed; a row without one never appears in {@link VectorStore#nearDuplicates}
 */
public record VectorRecord(
    String id,
    float[] vector,
    String bucket,
    String key,
    String source,
    long capturedAtMillis,
    List<String> tags,
    String model,
    Long phash) {

  public VectorRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vector, "vector");
    bucket = Objects.requireNonNullElse(bucket, "");
    key = Objects.requireNonNullElse(key, "");
    source = Objects.requireNonNullElse(source, "");
    tags = tags == null ? List.of() : List.copyOf(tags);
    model = Objects.requireNonNullElse(model, "");
  }

  /** A row without a perceptual hash (the original constructor). */
  public VectorRecord(
      String id,
      float[] vector,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags,
      String model) {
    this(id, vector, bucket, key, source, capturedAtMillis, tags, model, null);
  }

  /** The same row with another perceptual hash (null: none). */
  public VectorRecord withPhash(Long newPhash) {
    return new VectorRecord(id, vector, bucket, key, source, capturedAtMillis, tags, model, newPhash);
  }
}
