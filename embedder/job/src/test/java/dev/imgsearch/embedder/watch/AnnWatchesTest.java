package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.testing.UnitVectors;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The HNSW path of {@link WatchIndex} against brute force. */
class AnnWatchesTest {
  static final String M = WatchIndexTest.M;

  /** Both indexes, the same watches. */
  private static void putBoth(WatchIndex a, WatchIndex b, CompiledWatch w) {
    a.put(w);
    b.put(w);
  }

  private static CompiledWatch watch(String id, String model, double threshold, float[] v) {
    return CompiledWatch.of(
        Watches.frames(id, model, threshold).setVector(WatchIndexTest.boxed(v)).build());
  }

  private static List<String> ids(List<WatchMatch> ms) {
    return ms.stream().map(m -> m.watch().id() + "=" + m.score()).toList();
  }

  @Test
  void returnsExactlyTheBruteForceMatchesOnDistinctClusters() {
    Random rnd = new Random(3);
    int dim = 48;
    float[][] centres = new float[40][];
    for (int k = 0; k < centres.length; k++) {
      centres[k] = UnitVectors.random(rnd, dim);
    }
    WatchIndex brute = new WatchIndex(MatchPath.BRUTE_FORCE);
    WatchIndex ann = new WatchIndex(MatchPath.ANN);
    for (int i = 0; i < 800; i++) {
      CompiledWatch w =
          CompiledWatch.of(
              Watches.frames(String.format("w%03d", i), M, 0.7 + 0.2 * rnd.nextDouble())
                  .setVector(WatchIndexTest.boxed(WatchIndexTest.near(rnd, centres[i % 40], 0.3)))
                  .setSources(i % 3 == 0 ? List.of("door") : List.of())
                  .build());
      putBoth(brute, ann, w);
    }
    int matched = 0;
    for (int q = 0; q < 200; q++) {
      float[] v =
          q % 4 == 3
              ? UnitVectors.random(rnd, dim)
              : WatchIndexTest.near(rnd, centres[rnd.nextInt(40)], 0.3);
      WatchCandidate c = new WatchCandidate("img", q % 2 == 0 ? "door" : "yard", 0L, M, v, null);
      List<WatchMatch> expected = brute.match(c);
      matched += expected.size();
      assertThat(ids(ann.match(c))).isEqualTo(ids(expected));
    }
    assertThat(matched).isGreaterThan(1_000); // many matches, several per query
  }

  @Test
  void eachWatchKeepsItsOwnThresholdAndFilters() {
    WatchIndex ann = new WatchIndex(MatchPath.ANN);
    // cos((1,0),(0.8,0.6)) = 0.8
    ann.put(watch("low", M, 0.5, new float[] {1f, 0f}));
    ann.put(watch("high", M, 0.9, new float[] {1f, 0f}));
    ann.put(
        CompiledWatch.of(
            Watches.frames("door", M, 0.5, 1f, 0f).setSources(List.of("door")).build()));
    ann.put(CompiledWatch.of(Watches.frames("off", M, 0.5, 1f, 0f).setEnabled(false).build()));
    assertThat(ann.match(WatchIndexTest.frame("yard", 0.8f, 0.6f)))
        .extracting(m -> m.watch().id())
        .containsExactly("low");
    assertThat(ann.match(WatchIndexTest.frame("door", 0.8f, 0.6f)))
        .extracting(m -> m.watch().id())
        .containsExactly("door", "low");
    assertThat(ann.match(WatchIndexTest.frame("door", 1f, 0f)))
        .extracting(m -> m.watch().id())
        .containsExactly("door", "high", "low");
    assertThat(ann.match(WatchIndexTest.frame("door", 0f, 1f))).isEmpty();
  }

  @Test
  void putRemoveAndReplaceRebuildTheIndex() {
    Random rnd = new Random(5);
    int dim = 16;
    WatchIndex ann = new WatchIndex(MatchPath.ANN);
    float[][] vs = new float[100][];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = UnitVectors.random(rnd, dim);
      ann.put(watch(String.format("w%03d", i), M, 0.95, vs[i]));
    }
    assertThat(ann.match(WatchIndexTest.frame("s", vs[7])))
        .extracting(m -> m.watch().id())
        .containsExactly("w007");
    ann.remove("w007");
    assertThat(ann.match(WatchIndexTest.frame("s", vs[7]))).isEmpty();
    ann.put(watch("w008", M, 0.95, vs[7])); // replaced: w008 now watches what w007 did
    assertThat(ann.match(WatchIndexTest.frame("s", vs[7])))
        .extracting(m -> m.watch().id())
        .containsExactly("w008");
    assertThat(ann.match(WatchIndexTest.frame("s", vs[8]))).isEmpty();
    ann.put(watch("new", M, 0.95, vs[8]));
    assertThat(ann.match(WatchIndexTest.frame("s", vs[8])))
        .extracting(m -> m.watch().id())
        .containsExactly("new");
    assertThat(ann.size()).isEqualTo(100);
  }

  @Test
  void eachModelAndDimensionHasItsOwnIndex() {
    Random rnd = new Random(9);
    WatchIndex brute = new WatchIndex(MatchPath.BRUTE_FORCE);
    WatchIndex ann = new WatchIndex(MatchPath.ANN);
    float[][] small = new float[60][];
    float[][] large = new float[60][];
    for (int i = 0; i < 60; i++) {
      small[i] = UnitVectors.random(rnd, 8);
      large[i] = UnitVectors.random(rnd, 32);
      putBoth(brute, ann, watch("a" + i, M, 0.6, small[i]));
      putBoth(brute, ann, watch("b" + i, "other@2", 0.6, small[i]));
      putBoth(brute, ann, watch("c" + i, M, 0.6, large[i]));
    }
    for (int i = 0; i < 60; i++) {
      for (WatchCandidate c :
          List.of(
              WatchIndexTest.frame("s", small[i]),
              new WatchCandidate("img", "s", 0L, "other@2", small[i], null),
              WatchIndexTest.frame("s", large[i]))) {
        List<WatchMatch> expected = brute.match(c);
        assertThat(expected).isNotEmpty();
        assertThat(ids(ann.match(c))).isEqualTo(ids(expected));
      }
    }
  }

  @Test
  void whenMostWatchesAreAboveTheLowestThresholdEveryRowIsScored() {
    WatchIndex ann = new WatchIndex(MatchPath.ANN);
    for (int i = 0; i < 40; i++) {
      ann.put(watch(String.format("w%02d", i), M, 0.1, new float[] {1f, i / 100f}));
    }
    assertThat(ann.match(WatchIndexTest.frame("s", 1f, 0f))).hasSize(40);
  }

  @Test
  void theIndexIsBuiltOnlyForALargeGroupThatHasStayedUnchanged() {
    Random rnd = new Random(11);
    List<CompiledWatch> ws = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ws.add(watch("w" + i, M, 0.99, UnitVectors.random(rnd, 8)));
    }
    PackedWatches p = PackedWatches.group(ws).get(PackedWatches.key(M, 8));
    MatchPath path = new MatchPath(100, 2);
    float[] v = ws.get(3).vector();
    assertThat(p.rowsToScore(v, path, Runnable::run)).isNull();
    assertThat(p.rowsToScore(v, path, Runnable::run)).isNull();
    assertThat(p.rowsToScore(v, path, Runnable::run)).containsExactly(3);
    PackedWatches fewer = PackedWatches.group(ws.subList(0, 99)).get(PackedWatches.key(M, 8));
    for (int i = 0; i < 5; i++) {
      assertThat(fewer.rowsToScore(v, path, Runnable::run)).isNull();
    }
  }
}
