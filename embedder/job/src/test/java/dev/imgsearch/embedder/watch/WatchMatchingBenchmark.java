package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Matching cost per vector for 1, 100 and 10 000 frame watches (576-dim, the default model), brute
 * force. Run with {@code java -cp <test classpath>
 * dev.imgsearch.embedder.watch.WatchMatchingBenchmark} (see embedder/README.md).
 */
public final class WatchMatchingBenchmark {
  private WatchMatchingBenchmark() {}

  public static void main(String[] args) {
    int dim = args.length > 0 ? Integer.parseInt(args[0]) : 576;
    Random rnd = new Random(1);
    List<Float[]> vectors = new ArrayList<>();
    for (int n : new int[] {1, 100, 10_000}) {
      WatchIndex index = new WatchIndex();
      for (int i = 0; i < n; i++) {
        float[] v = WatchIndexTest.randomUnit(rnd, dim);
        Float[] boxed = new Float[dim];
        for (int d = 0; d < dim; d++) {
          boxed[d] = v[d];
        }
        vectors.add(boxed);
        index.put(
            CompiledWatch.of(
                Watches.frames("w" + i, "m@1", 0.9).setVector(List.of(boxed)).build()));
      }
      WatchCandidate[] queries = new WatchCandidate[64];
      for (int q = 0; q < queries.length; q++) {
        queries[q] =
            new WatchCandidate("img", "cam", 0L, "m@1", WatchIndexTest.randomUnit(rnd, dim), null);
      }
      int iterations = Math.max(200, 2_000_000 / n);
      long sink = 0;
      for (int i = 0; i < iterations; i++) { // warm-up
        sink += index.match(queries[i & 63]).size();
      }
      long start = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        sink += index.match(queries[i & 63]).size();
      }
      double micros = (System.nanoTime() - start) / 1e3 / iterations;
      System.out.printf(
          "frame watches=%d dim=%d per-vector=%.2f us (iterations=%d, matches=%d)%n",
          n, dim, micros, iterations, sink);
    }
    WatchIndex near = new WatchIndex();
    for (int i = 0; i < 10_000; i++) {
      near.put(CompiledWatch.of(Watches.nearDuplicates("n" + i, rnd.nextLong(), 10).build()));
    }
    long sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink +=
          near.match(
                  new WatchCandidate("img", "cam", 0L, "m@1", null, (long) i * 0x9E3779B97F4A7C15L))
              .size();
    }
    long start = System.nanoTime();
    for (int i = 0; i < 20_000; i++) {
      sink +=
          near.match(
                  new WatchCandidate("img", "cam", 0L, "m@1", null, (long) i * 0x9E3779B97F4A7C15L))
              .size();
    }
    System.out.printf(
        "near-duplicate watches=10000 per-pHash=%.2f us (matches=%d)%n",
        (System.nanoTime() - start) / 1e3 / 20_000, sink);
  }
}
