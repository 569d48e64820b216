package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vector watches of one model and dimension, their unit query vectors packed row by row into one
 * array, so a candidate's unit vector is dotted with every row in one pass (cosine similarity).
 * Frame watches may also be matched through an HNSW index over the rows ({@link #rowsToScore}),
 * built lazily once and kept as long as this group (the group is repacked when a watch changes).
 * Not thread-safe.
 */
final class PackedWatches {
  final int dimension;
  final CompiledWatch[] watches;
  private final float[] rows;
  private long matches;
  private AnnWatches ann;

  private PackedWatches(int dimension, CompiledWatch[] watches, float[] rows) {
    this.dimension = dimension;
    this.watches = watches;
    this.rows = rows;
  }

  /** {@code watches} grouped by {@link #key} of their model and dimension, in the given order. */
  static Map<String, PackedWatches> group(List<CompiledWatch> watches) {
    Map<String, List<CompiledWatch>> groups = new HashMap<>();
    for (CompiledWatch w : watches) {
      groups.computeIfAbsent(key(w.model(), w.vector().length), k -> new ArrayList<>()).add(w);
    }
    Map<String, PackedWatches> packed = new HashMap<>();
    groups.forEach(
        (k, ws) -> {
          int dim = ws.get(0).vector().length;
          float[] rows = new float[ws.size() * dim];
          for (int r = 0; r < ws.size(); r++) {
            System.arraycopy(ws.get(r).vector(), 0, rows, r * dim, dim);
          }
          packed.put(k, new PackedWatches(dim, ws.toArray(new CompiledWatch[0]), rows));
        });
    return packed;
  }

  static String key(String model, int dimension) {
    return model + "#" + dimension;
  }

  /**
   * The rows to score against the unit vector {@code v}, ascending: those the HNSW index finds at
   * or above the group's lowest threshold when {@code path} says to use it (building it the first
   * time), else null: every row (brute force).
   */
  int[] rowsToScore(float[] v, MatchPath path) {
    if (ann == null && !path.useAnn(watches.length, matches++)) {
      return null;
    }
    if (ann == null) {
      ann = new AnnWatches(rows, dimension, watches);
    }
    return ann.rowsNear(v);
  }

  /** Cosine similarity of watch {@code r} and the unit vector {@code v} (of this dimension). */
  double score(int r, float[] v) {
    return dot(rows, r * dimension, v, dimension);
  }

  /**
   * Dot product of {@code rows[off..off+dim)} and {@code v}, four independent sums so the CPU
   * overlaps them.
   */
  static double dot(float[] rows, int off, float[] v, int dim) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += rows[off + i] * v[i];
      s1 += rows[off + i + 1] * v[i + 1];
      s2 += rows[off + i + 2] * v[i + 2];
      s3 += rows[off + i + 3] * v[i + 3];
    }
    for (; i < dim; i++) {
      s0 += rows[off + i] * v[i];
    }
    return (double) s0 + s1 + s2 + s3;
  }
}
