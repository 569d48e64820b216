package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchPreviewTest {
  static final long MIDNIGHT = 1_700_006_400_000L; // 2023-11-15T00:00:00Z

  static SearchHit hit(String id, float score, String source, long capturedAt, Integer distance) {
    return new SearchHit(
        id, score, "images", id + ".jpg", source, capturedAt, List.of(), distance, null);
  }

  static Watch.Builder frames(double threshold) {
    return Watch.newBuilder()
        .setId("w")
        .setName("w")
        .setTarget(WatchTarget.FRAMES)
        .setModel("m@1")
        .setVector(List.of(1f, 0f))
        .setThreshold(threshold)
        .setCreatedAtMillis(1)
        .setUpdatedAtMillis(1);
  }

  @Test
  void matchesAtTheThresholdAmongWhatTheFiltersAdmitWithTheirHistogram() {
    CompiledWatch w =
        CompiledWatch.of(
            frames(0.9)
                .setSources(List.of("door"))
                .setHoursOfDay(List.of(0))
                .setEnabled(false)
                .build());
    WatchPreview.Result r =
        WatchPreview.of(
            w,
            List.of(
                hit("a", 1.0f, "door", MIDNIGHT, null),
                hit("b", 0.91f, "door", MIDNIGHT, null),
                hit("c", 0.97f, "yard", MIDNIGHT, null), // other source
                hit("d", 0.97f, "door", MIDNIGHT + 3_600_000L, null), // 01:00
                hit("e", 0.42f, "door", MIDNIGHT, null),
                hit("f", -0.3f, "door", MIDNIGHT, null)));
    assertThat(r.matches()).extracting(WatchPreview.Match::imageId).containsExactly("a", "b");
    assertThat(r.matched()).isEqualTo(2);
    assertThat(r.examined()).isEqualTo(4); // a, b, e, f: a disabled watch is previewed as armed
    assertThat(r.scoreCounts()).hasSize(WatchPreview.BUCKETS);
    assertThat(r.scoreCounts()[19]).isEqualTo(1); // 1.0
    assertThat(r.scoreCounts()[18]).isEqualTo(1); // 0.91
    assertThat(r.scoreCounts()[8]).isEqualTo(1); // 0.42
    assertThat(r.scoreCounts()[0]).isEqualTo(1); // below 0
    assertThat(r.matches().get(0).hammingDistance()).isNull();
  }

  @Test
  void nearDuplicatesMatchByHammingDistance() {
    CompiledWatch w =
        CompiledWatch.of(
            Watch.newBuilder()
                .setId("copy")
                .setName("copy")
                .setTarget(WatchTarget.NEAR_DUPLICATES)
                .setPhash(0xabcdL)
                .setThreshold(4)
                .setCreatedAtMillis(1)
                .setUpdatedAtMillis(1)
                .build());
    WatchPreview.Result r =
        WatchPreview.of(
            w,
            List.of(
                hit("same", 1f, "s", 0L, 0),
                hit("near", 1 - 4 / 64f, "s", 0L, 4),
                hit("far", 1 - 5 / 64f, "s", 0L, 5)));
    assertThat(r.matches()).extracting(WatchPreview.Match::imageId).containsExactly("same", "near");
    assertThat(r.matches().get(1).hammingDistance()).isEqualTo(4);
    assertThat(r.examined()).isEqualTo(3);
    assertThat(WatchPreview.bucket(Double.NaN)).isZero();
  }
}
