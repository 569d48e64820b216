package dev.imgsearch.indexer.store;

import java.util.List;
import java.util.Objects;

/** One stored image: its vector and the metadata queries filter and display on. */
public record VectorRecord(
    String id,
    float[] vector,
    String bucket,
    String key,
    String source,
    long capturedAtMillis,
    List<String> tags,
    String model) {

  public VectorRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vector, "vector");
    bucket = Objects.requireNonNullElse(bucket, "");
    key = Objects.requireNonNullElse(key, "");
    source = Objects.requireNonNullElse(source, "");
    tags = tags == null ? List.of() : List.copyOf(tags);
    model = Objects.requireNonNullElse(model, "");
  }
}
