package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.testing.UnitVectors;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WatchIndexTest {
  static final String M = "m@1";

  static WatchCandidate frame(String source, float... unit) {
    return new WatchCandidate("img", source, 1_000L, M, unit, null);
  }

  @Test
  void matchesByCosineAtTheThreshold() {
    WatchIndex index = new WatchIndex();
    index.put(CompiledWatch.of(Watches.frames("w", M, 0.8, 3f, 4f).build())); // unit (0.6, 0.8)
    // cos((0.6,0.8),(1,0)) = 0.6; cos((0.6,0.8),(0.8,0.6)) = 0.96
    assertThat(index.match(frame("s", 1f, 0f))).isEmpty();
    List<WatchMatch> hits = index.match(frame("s", 0.8f, 0.6f));
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).watch().id()).isEqualTo("w");
    assertThat(hits.get(0).score()).isCloseTo(0.96, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(hits.get(0).hammingDistance()).isNull();
  }

  @Test
  void onlyVectorsOfTheWatchModelAndDimensionAreCompared() {
    WatchIndex index = new WatchIndex();
    index.put(CompiledWatch.of(Watches.frames("w", M, 0.5, 1f, 0f).build()));
    assertThat(
            index.match(new WatchCandidate("img", "s", 0L, "other@1", new float[] {1f, 0f}, null)))
        .isEmpty();
    assertThat(index.match(new WatchCandidate("img", "s", 0L, M, new float[] {1f, 0f, 0f}, null)))
        .isEmpty();
    assertThat(index.match(new WatchCandidate("img", "s", 0L, M, null, null))).isEmpty();
    assertThat(index.match(frame("s", 1f, 0f))).hasSize(1);
  }

  @Test
  void nearDuplicatesMatchByHammingDistance() {
    WatchIndex index = new WatchIndex();
    long h = 0x0123_4567_89ab_cdefL;
    index.put(CompiledWatch.of(Watches.nearDuplicates("copy", h, 4).build()));
    long fourBits = h ^ 0b1111L;
    long fiveBits = h ^ 0b11111L;
    List<WatchMatch> hits = index.match(new WatchCandidate("img", "s", 0L, M, null, fourBits));
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).hammingDistance()).isEqualTo(4);
    assertThat(hits.get(0).score()).isEqualTo(1 - 4 / 64.0);
    assertThat(index.match(new WatchCandidate("img", "s", 0L, M, null, fiveBits))).isEmpty();
    assertThat(index.match(new WatchCandidate("img", "s", 0L, M, null, null))).isEmpty();
  }

  @Test
  void filtersApplyAndUpdatesReplaceAndDeletesRemove() {
    WatchIndex index = new WatchIndex();
    index.put(
        CompiledWatch.of(Watches.frames("w", M, 0.5, 1f, 0f).setSources(List.of("door")).build()));
    assertThat(index.match(frame("yard", 1f, 0f))).isEmpty();
    assertThat(index.match(frame("door", 1f, 0f))).hasSize(1);

    index.put(
        CompiledWatch.of(
            Watches.frames("w", M, 0.5, 0f, 1f).build())); // replaced: other vector, no filter
    assertThat(index.match(frame("yard", 1f, 0f))).isEmpty();
    assertThat(index.match(frame("yard", 0f, 1f))).hasSize(1);
    assertThat(index.size()).isEqualTo(1);

    index.put(CompiledWatch.of(Watches.frames("w", M, 0.5, 0f, 1f).setEnabled(false).build()));
    assertThat(index.match(frame("yard", 0f, 1f))).isEmpty();

    assertThat(index.remove("w")).isTrue();
    assertThat(index.remove("w")).isFalse();
    assertThat(index.size()).isZero();
    assertThat(index.match(frame("yard", 0f, 1f))).isEmpty();
  }

  @Test
  void objectAndFaceWatchesAreKeptButDoNotMatchWholeFrames() {
    WatchIndex index = new WatchIndex();
    index.put(
        CompiledWatch.of(
            Watches.frames("car", M, 0.1, 1f, 0f)
                .setTarget(WatchTarget.OBJECTS)
                .setClasses(List.of("car"))
                .build()));
    index.put(
        CompiledWatch.of(
            Watches.frames("face", M, 0.1, 1f, 0f).setTarget(WatchTarget.FACES).build()));
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.get("car").classes()).containsExactly("car");
    assertThat(index.match(frame("s", 1f, 0f))).isEmpty();
  }

  @Test
  void bruteForceAgreesWithAPlainCosineOverManyWatches() {
    Random rnd = new Random(7);
    int dim = 37; // not a multiple of the unrolling
    WatchIndex index = new WatchIndex();
    float[][] vs = new float[300][];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = UnitVectors.random(rnd, dim);
      float[] v = vs[i];
      Float[] boxed = new Float[dim];
      for (int d = 0; d < dim; d++) {
        boxed[d] = v[d];
      }
      index.put(
          CompiledWatch.of(
              Watches.frames(String.format("w%03d", i), M, 0.3).setVector(List.of(boxed)).build()));
    }
    float[] q = UnitVectors.random(rnd, dim);
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < vs.length; i++) {
      double dot = 0;
      for (int d = 0; d < dim; d++) {
        dot += (double) vs[i][d] * q[d];
      }
      if (dot >= 0.3) {
        expected.add(String.format("w%03d", i));
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(index.match(frame("s", q)).stream().map(m -> m.watch().id()).toList())
        .isEqualTo(expected);
  }

  @Test
  void anAlertCarriesTheMatchAndItsDeterministicId() {
    WatchIndex index = new WatchIndex();
    index.put(CompiledWatch.of(Watches.frames("w", M, 0.5, 1f, 0f).build()));
    WatchCandidate c = new WatchCandidate("img", "door", 1_000L, M, new float[] {1f, 0f}, 42L);
    Alert a = Alerts.of(index.match(c).get(0), c, "images", "a.jpg", 2_000L);
    assertThat(a.getAlertId()).isEqualTo(AlertIds.of("w", "img"));
    assertThat(a.getWatchName()).isEqualTo("watch w");
    assertThat(a.getSource()).isEqualTo("door");
    assertThat(a.getScore()).isEqualTo(1.0);
    assertThat(a.getModel()).isEqualTo(M);
    assertThat(a.getBox()).isNull();
    assertThat(a.getCapturedAtMillis()).isEqualTo(1_000L);
    assertThat(a.getMatchedAtMillis()).isEqualTo(2_000L);
  }

  /** {@code centre} (unit) plus Gaussian noise of about {@code noise} length, normalised. */
  static float[] near(Random rnd, float[] centre, double noise) {
    float[] v = new float[centre.length];
    double n = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) (centre[d] + noise * rnd.nextGaussian() / Math.sqrt(v.length));
      n += v[d] * v[d];
    }
    for (int d = 0; d < v.length; d++) {
      v[d] /= (float) Math.sqrt(n);
    }
    return v;
  }

  static List<Float> boxed(float[] v) {
    List<Float> b = new java.util.ArrayList<>(v.length);
    for (float x : v) {
      b.add(x);
    }
    return b;
  }
}
