package dev.imgsearch.indexer.store;

import java.util.List;

/**
 * A search result: the stored row's metadata (no vector) and how close it is to the query.
 *
 * @param score for {@link VectorStore#search}: the cosine similarity to the query (higher is
 *     better); for {@link VectorStore#nearDuplicates}: {@code 1 - distance / 64}
 * @param distance for {@link VectorStore#nearDuplicates}: the Hamming distance (0..64) between the
 *     stored and the query perceptual hash; null for vector searches
 * @param scene scene-change gating: the row's representative and scene start (the scene spans
 *     {@code scene.startMillis()} … {@code capturedAtMillis}), or null (a frame embedded itself, or
 *     a Milvus collection created before the scene fields)
 */
public record SearchHit(
    String id,
    float score,
    String bucket,
    String key,
    String source,
    long capturedAtMillis,
    List<String> tags,
    Integer distance,
    SceneRef scene) {

  /** A vector-search hit: no Hamming distance, no scene. */
  public SearchHit(
      String id,
      float score,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags) {
    this(id, score, bucket, key, source, capturedAtMillis, tags, null, null);
  }

  /**
   * This row as a near-duplicate hit at Hamming {@code distance} from the query: score {@code 1 -
   * distance / 64}.
   */
  public SearchHit asDuplicate(int distance) {
    return new SearchHit(
        id,
        1f - distance / (float) CollectionSpec.PHASH_BITS,
        bucket,
        key,
        source,
        capturedAtMillis,
        tags,
        distance,
        scene);
  }
}
