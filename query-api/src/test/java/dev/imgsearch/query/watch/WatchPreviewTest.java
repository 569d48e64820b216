package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.StoredItem;
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

  static ItemHit item(
      String image,
      Kind kind,
      int index,
      String label,
      String model,
      float score,
      String source,
      long capturedAt) {
    return new ItemHit(
        new StoredItem(
            image,
            "images",
            image + ".jpg",
            source,
            capturedAt,
            new DetectedItem(
                kind,
                index,
                label,
                kind == Kind.FACE ? -1 : 2,
                0.9f,
                new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                model,
                new float[0])),
        score);
  }

  @Test
  void anObjectWatchExaminesItsClassesKindAndModelAndReturnsTheItemBoxes() {
    CompiledWatch w =
        CompiledWatch.of(
            frames(0.8)
                .setTarget(WatchTarget.OBJECTS)
                .setClasses(List.of("car"))
                .setSources(List.of("gate"))
                .setHoursOfDay(List.of(0))
                .build());
    WatchPreview.Result r =
        WatchPreview.ofItems(
            w,
            List.of(
                item("a", Kind.OBJECT, 1, "car", "m@1", 0.97f, "gate", MIDNIGHT),
                item("b", Kind.OBJECT, 0, "person", "m@1", 0.99f, "gate", MIDNIGHT), // class
                item("c", Kind.OBJECT, 0, "car", "other@2", 0.99f, "gate", MIDNIGHT), // model
                item("d", Kind.FACE, 0, "face", "m@1", 0.99f, "gate", MIDNIGHT), // kind
                item("e", Kind.OBJECT, 0, "car", "m@1", 0.99f, "yard", MIDNIGHT), // source
                item("f", Kind.OBJECT, 0, "car", "m@1", 0.99f, "gate", MIDNIGHT + 7_200_000L),
                item("g", Kind.OBJECT, 3, "car", "m@1", 0.8f, "gate", MIDNIGHT),
                item("h", Kind.OBJECT, 0, "car", "m@1", 0.3f, "gate", MIDNIGHT)));
    assertThat(r.target()).isEqualTo(WatchTarget.OBJECTS);
    assertThat(r.examined()).isEqualTo(3); // a, g, h
    assertThat(r.matches()).extracting(WatchPreview.Match::imageId).containsExactly("a", "g");
    WatchPreview.Match a = r.matches().get(0);
    assertThat(a.objectId()).isEqualTo("a.o1");
    assertThat(a.label()).isEqualTo("car");
    assertThat(a.box()).containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
    assertThat(a.source()).isEqualTo("gate");
    assertThat(a.hammingDistance()).isNull();
    assertThat(r.matches().get(1).objectId()).isEqualTo("g.o3");
    assertThat(r.scoreCounts()[19]).isEqualTo(1); // 0.97
    assertThat(r.scoreCounts()[16]).isEqualTo(1); // 0.8
    assertThat(r.scoreCounts()[6]).isEqualTo(1); // 0.3
  }

  @Test
  void aFaceWatchComparesFacesOfAnyLabelAndAnObjectWatchWithoutClassesAnyObject() {
    CompiledWatch face =
        CompiledWatch.of(frames(0.5).setTarget(WatchTarget.FACES).setEnabled(false).build());
    List<ItemHit> nearest =
        List.of(
            item("p", Kind.FACE, 0, "face", "m@1", 0.7f, "s", 0L),
            item("q", Kind.OBJECT, 0, "person", "m@1", 0.9f, "s", 0L));
    WatchPreview.Result faces = WatchPreview.ofItems(face, nearest);
    assertThat(faces.examined()).isEqualTo(1); // a disabled watch is previewed as armed
    assertThat(faces.matches()).extracting(WatchPreview.Match::objectId).containsExactly("p.f0");

    CompiledWatch any = CompiledWatch.of(frames(0.5).setTarget(WatchTarget.OBJECTS).build());
    assertThat(WatchPreview.ofItems(any, nearest).matches())
        .extracting(WatchPreview.Match::label)
        .containsExactly("person");
    assertThatThrownBy(() -> WatchPreview.ofItems(CompiledWatch.of(frames(0.5).build()), nearest))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
