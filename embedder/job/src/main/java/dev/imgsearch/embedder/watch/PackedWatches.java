package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vector watches of one model and dimension, their unit query vectors packed row by row into one
 * array, so a candidate's unit vector is dotted with every row in one pass (cosine similarity).
 * Frame watches may also be matched through an HNSW index over the rows ({@link #rowsToScore}),
 * built once on an {@link Executor} (off the matching thread) and kept as long as this group (the
 * group is repacked when one of its watches changes, and a build still running for it is abandoned:
 * {@link #discard}). The rows and watches are immutable, so the build reads them without locks; the
 * finished graph is handed over through a volatile field. Matching is not thread-safe (one thread).
 */
final class PackedWatches {
  private static final Logger LOG = LoggerFactory.getLogger(PackedWatches.class);

  final int dimension;
  final CompiledWatch[] watches;
  private final float[] rows;
  private long matches;
  private boolean buildStarted;
  private volatile AnnWatches ann;
  private volatile boolean discarded;

  private PackedWatches(int dimension, CompiledWatch[] watches, float[] rows) {
    this.dimension = dimension;
    this.watches = watches;
    this.rows = rows;
  }

  /** {@code watches} grouped by {@link #key} of their model and dimension, in the given order. */
  static Map<String, PackedWatches> group(List<CompiledWatch> watches) {
    return group(watches, Map.of());
  }

  /**
   * As {@link #group(List)}, but a group of {@code previous} whose watches are the same (the same
   * compiled watches in the same order) is kept as it is, with its index or its build under way.
   */
  static Map<String, PackedWatches> group(
      List<CompiledWatch> watches, Map<String, PackedWatches> previous) {
    Map<String, List<CompiledWatch>> groups = new HashMap<>();
    for (CompiledWatch w : watches) {
      groups.computeIfAbsent(key(w.model(), w.vector().length), k -> new ArrayList<>()).add(w);
    }
    Map<String, PackedWatches> packed = new HashMap<>();
    groups.forEach(
        (k, ws) -> {
          PackedWatches before = previous.get(k);
          if (before != null && !before.discarded && sameWatches(before.watches, ws)) {
            packed.put(k, before);
            return;
          }
          int dim = ws.get(0).vector().length;
          float[] rows = new float[ws.size() * dim];
          for (int r = 0; r < ws.size(); r++) {
            System.arraycopy(ws.get(r).vector(), 0, rows, r * dim, dim);
          }
          packed.put(k, new PackedWatches(dim, ws.toArray(new CompiledWatch[0]), rows));
        });
    return packed;
  }

  private static boolean sameWatches(CompiledWatch[] a, List<CompiledWatch> b) {
    if (a.length != b.size()) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  static String key(String model, int dimension) {
    return model + "#" + dimension;
  }

  /**
   * The rows to score against the unit vector {@code v}, ascending: those the HNSW index finds at
   * or above the group's lowest threshold once it is built, else null: every row (brute force,
   * exact). When {@code path} says the group is to use the index, its build is handed to {@code
   * builds} (once); until it completes the group is matched by brute force. With a direct executor
   * the index is built and used at once.
   */
  int[] rowsToScore(float[] v, MatchPath path, Executor builds) {
    AnnWatches built = ann;
    if (built == null && !buildStarted && path.useAnn(watches.length, matches++)) {
      buildStarted = true;
      try {
        builds.execute(this::build);
      } catch (RejectedExecutionException e) {
        LOG.warn("HNSW build of {} watches not started ({}): brute force", watches.length, e);
      }
      built = ann;
    }
    return built == null ? null : built.rowsNear(v);
  }

  /** True once the HNSW index is built and in use. */
  boolean annReady() {
    return ann != null;
  }

  /**
   * This group is no longer current (a watch changed): a build still running for it gives up, and
   * one not yet started does nothing.
   */
  void discard() {
    discarded = true;
  }

  private void build() {
    if (discarded) {
      return;
    }
    long start = System.nanoTime();
    try {
      ann = new AnnWatches(rows, dimension, watches, () -> discarded);
      LOG.info(
          "HNSW index of {} watches ({}-d) built in {} ms",
          watches.length,
          dimension,
          (System.nanoTime() - start) / 1_000_000);
    } catch (CancellationException e) {
      LOG.debug("HNSW build of {} watches abandoned: the watches changed", watches.length);
    } catch (RuntimeException e) {
      LOG.warn("HNSW build of {} watches failed: brute force", watches.length, e);
    }
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
