package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.testing.UnitVectors;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.Random;

/**
 * Matching while the HNSW index is built in the background ({@code new WatchIndex()}: {@link
 * MatchPath#DEFAULT}, its own build thread): the brute-force matches until the index is ready,
 * their mean and worst latency, then the index's mean over 500 matches. Clustered 576-d watches as
 * in {@link WatchMatchingBenchmark}. Run with {@code java -cp <test classpath>
 * dev.imgsearch.embedder.watch.WatchBuildBenchmark <watches>}.
 */
public final class WatchBuildBenchmark {
  private WatchBuildBenchmark() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int dim = 576;
    Random rnd = new Random(n);
    float[][] centres = new float[Math.max(1, n / 20)][];
    for (int k = 0; k < centres.length; k++) {
      centres[k] = UnitVectors.random(rnd, dim);
    }
    try (WatchIndex index = new WatchIndex()) {
      for (int i = 0; i < n; i++) {
        float[] v = WatchIndexTest.near(rnd, centres[rnd.nextInt(centres.length)], 0.5);
        index.put(
            CompiledWatch.of(
                Watches.frames("w" + i, "m@1", 0.75 + 0.1 * rnd.nextDouble())
                    .setVector(WatchIndexTest.boxed(v))
                    .build()));
      }
      float[][] candidates = new float[64][];
      for (int q = 0; q < candidates.length; q++) {
        candidates[q] =
            q % 2 == 0
                ? WatchIndexTest.near(rnd, centres[rnd.nextInt(centres.length)], 0.5)
                : UnitVectors.random(rnd, dim);
      }
      long start = System.nanoTime();
      long bruteNanos = 0;
      long worst = 0;
      int brute = 0;
      long annNanos = 0;
      int ann = 0;
      for (int m = 0; ann < 500; m++) {
        WatchCandidate c = new WatchCandidate("img", "src", 0L, "m@1", candidates[m % 64], null);
        long s = System.nanoTime();
        index.match(c);
        long d = System.nanoTime() - s;
        if (index.annReady("m@1", dim)) {
          annNanos += d;
          ann++;
        } else {
          bruteNanos += d;
          worst = Math.max(worst, d);
          brute++;
        }
      }
      System.out.printf(
          "%d watches: %d brute-force matches until the index was ready (%.1f s), mean %.2f ms,"
              + " worst %.1f ms; then the index: mean %.2f ms (500 matches)%n",
          n,
          brute,
          (System.nanoTime() - start) / 1e9,
          bruteNanos / 1e6 / brute,
          worst / 1e6,
          annNanos / 1e6 / ann);
    }
  }
}
