package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.watch.CompiledWatch;

/**
 * A watch a candidate matched.
 *
 * @param score cosine similarity; for near-duplicates {@code 1 - hammingDistance / 64}
 * @param hammingDistance pHash distance for near-duplicate watches, else null
 */
public record WatchMatch(CompiledWatch watch, double score, Integer hammingDistance) {}
