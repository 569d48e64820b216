package dev.imgsearch.embedder.watch;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.watch.CompiledWatch;

/**
 * A watch a candidate matched.
 *
 * @param score cosine similarity; for near-duplicates {@code 1 - hammingDistance / 64}
 * @param hammingDistance pHash distance for near-duplicate watches, else null
 * @param item the object or face that matched an {@code OBJECTS} / {@code FACES} watch; null for a
 *     whole-image match
 */
public record WatchMatch(
    CompiledWatch watch, double score, Integer hammingDistance, DetectedItem item) {

  /** A whole-image match ({@code FRAMES}, {@code NEAR_DUPLICATES}). */
  public WatchMatch(CompiledWatch watch, double score, Integer hammingDistance) {
    this(watch, score, hammingDistance, null);
  }
}
