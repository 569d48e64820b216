package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.AlertBox;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Object and face watches against the items detected in an image. */
class ItemWatchesTest {
  static final String M = "m@1";
  static final String FACE_MODEL = "faces@1";
  static final WatchCandidate IMAGE =
      new WatchCandidate("img", "door", 1_000L, M, new float[] {0f, 0f, 1f}, 42L);

  static CompiledWatch objects(String id, double threshold, List<String> classes, float... v) {
    return CompiledWatch.of(
        Watches.frames(id, M, threshold, v)
            .setTarget(WatchTarget.OBJECTS)
            .setClasses(classes)
            .build());
  }

  static CompiledWatch faces(String id, double threshold, float... v) {
    return CompiledWatch.of(
        Watches.frames(id, FACE_MODEL, threshold, v).setTarget(WatchTarget.FACES).build());
  }

  static DetectedItem object(int index, String label, float... unit) {
    return new DetectedItem(
        DetectedItem.Kind.OBJECT,
        index,
        label,
        label.equals("car") ? 2 : 0,
        0.9f,
        new float[] {0.1f, 0.2f, 0.5f, 0.9f},
        M,
        unit);
  }

  static DetectedItem face(int index, float... unit) {
    return new DetectedItem(
        DetectedItem.Kind.FACE,
        index,
        "face",
        -1,
        0.8f,
        new float[] {0f, 0f, 1f, 1f},
        FACE_MODEL,
        unit);
  }

  static WatchIndex index(CompiledWatch... ws) {
    WatchIndex index = new WatchIndex();
    for (CompiledWatch w : ws) {
      index.put(w);
    }
    return index;
  }

  @Test
  void anObjectWatchMatchesObjectsOfItsClassesByCosineBestFirst() {
    WatchIndex index = index(objects("car", 0.8, List.of("car"), 1f, 0f, 0f));
    List<WatchMatch> hits =
        index.matchItems(
            IMAGE,
            List.of(
                object(0, "person", 1f, 0f, 0f), // same vector, other class
                object(1, "car", 0.8f, 0.6f, 0f), // 0.8: at the threshold
                object(2, "car", 1f, 0f, 0f), // 1.0
                object(3, "car", 0.6f, 0.8f, 0f))); // 0.6: below
    assertThat(hits)
        .extracting(m -> m.item().index(), m -> m.watch().id())
        .containsExactly(tuple(2, "car"), tuple(1, "car"));
    assertThat(hits.get(0).score()).isCloseTo(1.0, Offset.offset(1e-6));
    assertThat(hits.get(1).score()).isCloseTo(0.8, Offset.offset(1e-6));
    assertThat(hits).allSatisfy(m -> assertThat(m.hammingDistance()).isNull());
  }

  @Test
  void anObjectWatchWithoutClassesMatchesAnyLabelButNeverFaces() {
    WatchIndex index = index(objects("any", 0.9, List.of(), 1f, 0f, 0f));
    List<WatchMatch> hits =
        index.matchItems(
            IMAGE,
            List.of(
                object(0, "person", 1f, 0f, 0f),
                object(1, "dog", 1f, 0f, 0f),
                face(0, 1f, 0f, 0f)));
    assertThat(hits).extracting(m -> m.item().label()).containsExactly("person", "dog");
    assertThat(hits)
        .allSatisfy(m -> assertThat(m.item().kind()).isEqualTo(DetectedItem.Kind.OBJECT));
  }

  @Test
  void aFaceWatchMatchesFacesOfItsModelAndDimensionOnly() {
    WatchIndex index = index(faces("alice", 0.9, 0f, 1f, 0f));
    DetectedItem otherModel =
        new DetectedItem(
            DetectedItem.Kind.FACE,
            1,
            "face",
            -1,
            0.8f,
            new float[] {0f, 0f, 1f, 1f},
            "x@1",
            new float[] {0f, 1f, 0f});
    List<WatchMatch> hits =
        index.matchItems(
            IMAGE,
            List.of(
                object(0, "person", 0f, 1f, 0f), // an object: not for a face watch
                face(0, 0f, 1f, 0f),
                otherModel,
                face(2, 0f, 1f))); // other dimension
    assertThat(hits).extracting(m -> m.item().index()).containsExactly(0);
    assertThat(hits.get(0).item().kind()).isEqualTo(DetectedItem.Kind.FACE);
  }

  @Test
  void filtersAndDisabledWatchesApplyToItemsAndWholeImageWatchesIgnoreThem() {
    WatchIndex index =
        index(
            CompiledWatch.of(
                Watches.frames("yard-cars", M, 0.5, 1f, 0f, 0f)
                    .setTarget(WatchTarget.OBJECTS)
                    .setSources(List.of("yard"))
                    .build()),
            CompiledWatch.of(
                Watches.frames("off", M, 0.5, 1f, 0f, 0f)
                    .setTarget(WatchTarget.OBJECTS)
                    .setEnabled(false)
                    .build()),
            CompiledWatch.of(Watches.frames("frame", M, 0.5, 1f, 0f, 0f).build()));
    List<DetectedItem> items = List.of(object(0, "car", 1f, 0f, 0f));
    assertThat(index.matchItems(IMAGE, items)).isEmpty(); // source door, not yard
    WatchCandidate yard =
        new WatchCandidate("img", "yard", 1_000L, M, new float[] {0f, 0f, 1f}, null);
    assertThat(index.matchItems(yard, items))
        .extracting(m -> m.watch().id())
        .containsExactly("yard-cars");
    assertThat(index.match(yard)).as("the frame's own vector is orthogonal").isEmpty();
    assertThat(index.matchItems(yard, List.of())).isEmpty();
    assertThat(index.matchItems(yard, null)).isEmpty();
  }

  @Test
  void matchesAreGroupedByWatchInIdOrderAndFollowUpdatesAndDeletes() {
    WatchIndex index =
        index(objects("b", 0.5, List.of(), 1f, 0f, 0f), objects("a", 0.5, List.of(), 0f, 1f, 0f));
    List<DetectedItem> items =
        List.of(object(0, "car", 0.8f, 0.6f, 0f), object(1, "car", 0.6f, 0.8f, 0f));
    assertThat(index.matchItems(IMAGE, items))
        .extracting(m -> m.watch().id(), m -> m.item().index())
        .containsExactly(tuple("a", 1), tuple("a", 0), tuple("b", 0), tuple("b", 1));
    index.put(objects("a", 0.7, List.of(), 0f, 1f, 0f)); // higher threshold
    index.remove("b");
    assertThat(index.matchItems(IMAGE, items))
        .extracting(m -> m.watch().id(), m -> m.item().index())
        .containsExactly(tuple("a", 1));
  }

  @Test
  void anItemAlertSaysWhichItemMatchedWithItsBoxAndAnIdPerItem() {
    WatchIndex index = index(objects("car", 0.5, List.of("car"), 1f, 0f, 0f));
    WatchMatch m = index.matchItems(IMAGE, List.of(object(3, "car", 1f, 0f, 0f))).get(0);
    Alert a = Alerts.of(m, IMAGE, "images", "a.jpg", 2_000L);
    assertThat(a.getAlertId())
        .isEqualTo(AlertIds.of("car", "img", 3))
        .isNotEqualTo(AlertIds.of("car", "img"));
    assertThat(a.getObjectIndex()).isEqualTo(3);
    assertThat(a.getLabel()).isEqualTo("car");
    AlertBox b = a.getBox();
    assertThat(new float[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()})
        .containsExactly(new float[] {0.1f, 0.2f, 0.4f, 0.7f}, Offset.offset(1e-6f));
    assertThat(a.getModel()).isEqualTo(M);
    assertThat(a.getHammingDistance()).isNull();
    assertThat(a.getSource()).isEqualTo("door");
    assertThat(a.getCapturedAtMillis()).isEqualTo(1_000L);
  }
}
