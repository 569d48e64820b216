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
 *     {@code scene.startMillis()} … {@code capturedAtMillis}), or null (stores that do not keep it:
 *     Milvus)
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

  /** A hit that is not part of a gated scene. */
  public SearchHit(
      String id,
      float score,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags,
      Integer distance) {
    this(id, score, bucket, key, source, capturedAtMillis, tags, distance, null);
  }

  /** A vector-search hit, without a Hamming distance (the original constructor). */
  public SearchHit(
      String id,
      float score,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags) {
    this(id, score, bucket, key, source, capturedAtMillis, tags, null);
  }

  /** A near-duplicate hit: score {@code 1 - distance / 64}. */
  public static SearchHit duplicate(
      String id,
      int distance,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      List<String> tags) {
    return new SearchHit(
        id,
        1f - distance / (float) CollectionSpec.PHASH_BITS,
        bucket,
        key,
        source,
        capturedAtMillis,
        tags,
        distance);
  }
}
