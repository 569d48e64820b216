package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.testing.UnitVectors;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Matching cost per vector for 1, 100, 300, 1 000 and 10 000 frame watches (576-dim, the default
 * model), brute force and through the HNSW index, with the index's build time and its recall
 * against brute force on the same candidates; then 10 000 near-duplicate watches. The vectors are
 * clustered: one cluster per 20 watches (a person or car seen from several angles), each watch its
 * cluster's centre plus noise (cosine ≈ 0.8 between two members), thresholds spread over
 * 0.75..0.85; half the candidates come from a cluster, half are unrelated. Run with {@code java -cp
 * <test classpath> dev.imgsearch.embedder.watch.WatchMatchingBenchmark} (see embedder/README.md).
 */
public final class WatchMatchingBenchmark {
  private WatchMatchingBenchmark() {}

  public static void main(String[] args) {
    int dim = args.length > 0 ? Integer.parseInt(args[0]) : 576;
    for (int n : new int[] {1, 100, 300, 1_000, 10_000}) {
      Random rnd = new Random(n);
      float[][] centres = new float[Math.max(1, n / 20)][];
      for (int k = 0; k < centres.length; k++) {
        centres[k] = UnitVectors.random(rnd, dim);
      }
      WatchIndex brute = new WatchIndex(MatchPath.BRUTE_FORCE);
      WatchIndex ann = new WatchIndex(MatchPath.ANN);
      for (int i = 0; i < n; i++) {
        CompiledWatch w =
            CompiledWatch.of(
                Watches.frames("w" + i, "m@1", 0.75 + 0.1 * rnd.nextDouble())
                    .setVector(
                        WatchIndexTest.boxed(
                            WatchIndexTest.near(rnd, centres[rnd.nextInt(centres.length)], 0.5)))
                    .build());
        brute.put(w);
        ann.put(w);
      }
      WatchCandidate[] queries = new WatchCandidate[64];
      for (int q = 0; q < queries.length; q++) {
        float[] v =
            q % 2 == 0
                ? WatchIndexTest.near(rnd, centres[rnd.nextInt(centres.length)], 0.5)
                : UnitVectors.random(rnd, dim);
        queries[q] = new WatchCandidate("img", "cam", 0L, "m@1", v, null);
      }
      long start = System.nanoTime();
      ann.match(queries[0]); // builds the index
      double buildMillis = (System.nanoTime() - start) / 1e6;
      long expected = 0;
      long found = 0;
      for (WatchCandidate q : queries) {
        Set<String> exact = ids(brute.match(q));
        Set<String> approx = ids(ann.match(q));
        expected += exact.size();
        approx.retainAll(exact);
        found += approx.size();
      }
      double bruteMicros = perVector(brute, queries, n);
      double annMicros = perVector(ann, queries, n);
      System.out.printf(
          "frame watches=%d dim=%d brute-force=%.2f us hnsw=%.2f us build=%.0f ms recall=%.4f"
              + " (%d of %d matches)%n",
          n,
          dim,
          bruteMicros,
          annMicros,
          buildMillis,
          expected == 0 ? 1.0 : (double) found / expected,
          found,
          expected);
    }
    nearDuplicates(new Random(1));
  }

  private static Set<String> ids(List<WatchMatch> matches) {
    Set<String> ids = new HashSet<>();
    for (WatchMatch m : matches) {
      ids.add(m.watch().id());
    }
    return ids;
  }

  /** Mean microseconds per {@link WatchIndex#match}, after as many warm-up matches. */
  private static double perVector(WatchIndex index, WatchCandidate[] queries, int n) {
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
    return sink < 0 ? -1 : micros;
  }

  private static void nearDuplicates(Random rnd) {
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
