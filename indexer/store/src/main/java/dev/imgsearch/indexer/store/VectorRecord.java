package dev.imgsearch.indexer.store;

import java.util.List;
import java.util.Objects;

/**
 * One stored image: its vector and the metadata queries filter and display on.
 *
 * @param phash the image's 64-bit DCT perceptual hash (embedder {@code PerceptualHash}: bit 63 =
 *     lowest frequency), or null when it was not computed; a row without one never appears in
 *     {@link VectorStore#nearDuplicates}
 * @param scene scene-change gating: the frame whose vector this row reuses and when its scene
 *     started, or null
 * @param items the objects and faces detected in the image, stored as rows of their own ({@link
 *     DetectedItemStore}); an upsert replaces all of the image's items with these
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
    Long phash,
    SceneRef scene,
    List<DetectedItem> items) {

  public VectorRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(vector, "vector");
    bucket = Objects.requireNonNullElse(bucket, "");
    key = Objects.requireNonNullElse(key, "");
    source = Objects.requireNonNullElse(source, "");
    tags = tags == null ? List.of() : List.copyOf(tags);
    model = Objects.requireNonNullElse(model, "");
    items = items == null ? List.of() : List.copyOf(items);
  }

  /**
   * A row without a perceptual hash, scene or detected items; add them with {@link #withPhash},
   * {@link #withScene} and {@link #withItems}.
   */
  public VectorRecord(
      String id,
      float[] vector,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags,
      String model) {
    this(id, vector, bucket, key, source, capturedAtMillis, tags, model, null, null, List.of());
  }

  /**
   * The characters of its text fields (id, bucket, key, source, model, tags): for size estimates.
   */
  public long textChars() {
    long chars = id.length() + bucket.length() + key.length() + source.length() + model.length();
    for (String tag : tags) {
      chars += tag.length();
    }
    return chars;
  }

  /** The same row with another perceptual hash (null: none). */
  public VectorRecord withPhash(Long newPhash) {
    return new VectorRecord(
        id, vector, bucket, key, source, capturedAtMillis, tags, model, newPhash, scene, items);
  }

  /** The same row as a frame of {@code newScene} (null: none). */
  public VectorRecord withScene(SceneRef newScene) {
    return new VectorRecord(
        id, vector, bucket, key, source, capturedAtMillis, tags, model, phash, newScene, items);
  }

  /** The same row with these detected objects and faces. */
  public VectorRecord withItems(List<DetectedItem> newItems) {
    return new VectorRecord(
        id, vector, bucket, key, source, capturedAtMillis, tags, model, phash, scene, newItems);
  }
}
