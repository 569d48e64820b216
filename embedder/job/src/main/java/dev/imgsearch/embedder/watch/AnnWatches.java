package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.watch.CompiledWatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * An in-memory HNSW graph (Lucene's {@link HnswGraphBuilder} and {@link HnswGraphSearcher}) over
 * the packed unit query vectors of one group of vector watches, scored with the same dot product as
 * brute force ({@link PackedWatches#dot}; Lucene's dot-product score is {@code (1 + cos) / 2}). A
 * watch matches when the cosine reaches its own threshold, but the graph gives nearest neighbours,
 * not a range: {@link #rowsNear} searches the top {@code k} and doubles {@code k} while the {@code
 * k}-th neighbour still scores at or above the lowest threshold of the group, then returns every
 * neighbour at or above it. The caller scores those rows exactly and applies each watch's own
 * threshold and filters. Approximate: a watch the graph search misses is not returned (recall in
 * docs/benchmarks.md). Not thread-safe (the graph's neighbour cursor).
 */
final class AnnWatches {
  /** Lucene's defaults: neighbours per node and beam width while building. */
  static final int MAX_CONN = 16;

  static final int BEAM_WIDTH = 100;

  /** The first {@code k} searched. */
  static final int FIRST_K = 16;

  /** Fixed, so the same watches give the same graph. */
  private static final long SEED = 42;

  /**
   * Slack on the lowest threshold for the float rounding of the graph's scores; the caller compares
   * the exact score with each watch's threshold.
   */
  private static final double SLACK = 1e-6;

  private final float[] rows;
  private final int dimension;
  private final int n;
  private final OnHeapHnswGraph graph;
  private final double floor;

  /**
   * Builds the graph over {@code rows}: the unit vectors of {@code watches}, {@code dimension}
   * floats each, packed row by row.
   */
  AnnWatches(float[] rows, int dimension, CompiledWatch[] watches) {
    this(rows, dimension, watches, () -> false);
  }

  /**
   * Builds the graph as above, giving up ({@link CancellationException}) before the next row is
   * added once {@code abandoned} is true (the group changed: the graph would never be used).
   */
  AnnWatches(float[] rows, int dimension, CompiledWatch[] watches, BooleanSupplier abandoned) {
    this.rows = rows;
    this.dimension = dimension;
    this.n = watches.length;
    double lowest = Double.MAX_VALUE;
    for (CompiledWatch w : watches) {
      lowest = Math.min(lowest, w.threshold());
    }
    floor = lowest - SLACK;
    RandomVectorScorerSupplier byRow =
        new RandomVectorScorerSupplier() {
          @Override
          public RandomVectorScorer scorer(int row) {
            if (abandoned.getAsBoolean()) {
              throw new CancellationException("the watches changed while their graph was built");
            }
            return AnnWatches.this.scorer(
                Arrays.copyOfRange(rows, row * dimension, (row + 1) * dimension));
          }

          @Override
          public RandomVectorScorerSupplier copy() {
            return this;
          }
        };
    try {
      graph = HnswGraphBuilder.create(byRow, MAX_CONN, BEAM_WIDTH, SEED).build(n);
    } catch (IOException e) {
      throw new UncheckedIOException("building the HNSW graph of the watches (in memory)", e);
    }
  }

  /**
   * The rows (ascending) whose cosine with the unit vector {@code v} the graph finds at or above
   * the lowest threshold of the group, or null when the search widened past half the group (then
   * scoring every row is cheaper).
   */
  int[] rowsNear(float[] v) {
    for (int k = Math.min(FIRST_K, n); ; k *= 2) {
      if (k > n / 2 && k < n) {
        return null;
      }
      ScoreDoc[] top;
      try {
        top =
            HnswGraphSearcher.search(scorer(v), k, graph, null, Integer.MAX_VALUE)
                .topDocs()
                .scoreDocs;
      } catch (IOException e) {
        throw new UncheckedIOException("searching the HNSW graph of the watches (in memory)", e);
      }
      if (top.length == k && k < n && cosine(top[k - 1].score) >= floor) {
        continue; // the k-th may not be the last one above the lowest threshold: widen
      }
      int[] found = new int[top.length];
      int m = 0;
      for (ScoreDoc d : top) {
        if (cosine(d.score) >= floor) {
          found[m++] = d.doc;
        }
      }
      found = Arrays.copyOf(found, m);
      Arrays.sort(found);
      return found;
    }
  }

  /** Scores every row against the unit vector {@code v}: {@code (1 + cos) / 2}. */
  private RandomVectorScorer scorer(float[] v) {
    return new RandomVectorScorer() {
      @Override
      public float score(int row) {
        return (float) ((1 + PackedWatches.dot(rows, row * dimension, v, dimension)) / 2);
      }

      @Override
      public int maxOrd() {
        return n;
      }
    };
  }

  /** Lucene's dot-product score {@code (1 + cos) / 2} back to the cosine. */
  private static double cosine(float score) {
    return 2.0 * score - 1.0;
  }
}
