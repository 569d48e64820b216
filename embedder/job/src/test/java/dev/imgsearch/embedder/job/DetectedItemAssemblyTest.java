package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.detect.Detection;
import dev.imgsearch.embedder.detect.FrameDetector;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.FieldLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectedItemAssemblyTest {
  private static final float[] V = {0.6f, 0.8f};
  private static final float[] F = {1f, 0f, 0f};

  @Test
  void objectsThenFacesEachIndexedFromZeroWithLabelBoxAndVector() {
    var found =
        new FrameDetector.Result(
            List.of(
                Detection.object(0, 0.9f, new Box(0.1f, 0.2f, 0.5f, 1f)),
                Detection.object(2, 0.4f, new Box(0, 0, 1, 1))),
            List.of(
                new FrameDetector.DescribedFace(
                    Detection.face(0.8f, new Box(0.2f, 0.2f, 0.3f, 0.3f)), F)));
    var items =
        DetectedItemAssembly.assemble(
            found, List.of(V, new float[] {1, 0}), "mobilenet@1", "faceres@1");
    assertThat(items.objects()).isEqualTo(2);
    assertThat(items.faces()).isEqualTo(1);
    assertThat(items.dropped()).isZero();
    DetectedItem person = items.items().get(0);
    assertThat(person.kind()).isEqualTo(DetectedItem.Kind.OBJECT);
    assertThat(person.index()).isZero();
    assertThat(person.label()).isEqualTo("person");
    assertThat(person.classId()).isZero();
    assertThat(person.box()).containsExactly(0.1f, 0.2f, 0.5f, 1f);
    assertThat(person.vector()).isSameAs(V);
    assertThat(person.model()).isEqualTo("mobilenet@1");
    assertThat(items.items().get(1).label()).isEqualTo("car");
    assertThat(items.items().get(1).index()).isEqualTo(1);
    DetectedItem face = items.items().get(2);
    assertThat(face.kind()).isEqualTo(DetectedItem.Kind.FACE);
    assertThat(face.index()).isZero();
    assertThat(face.classId()).isEqualTo(-1);
    assertThat(face.label()).isEqualTo("face");
    assertThat(face.vector()).isSameAs(F);
    assertThat(face.model()).isEqualTo("faceres@1");
    for (DetectedItem i : items.items()) {
      assertThat(
              FieldLimits.itemViolation(
                  i.index(), i.label(), i.score(), floats(i.box()), i.model()))
          .isNull();
    }
  }

  @Test
  void atMostMaxItemsPerImageObjectsFirstTheRestDroppedAndCounted() {
    List<Detection> objects = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < FieldLimits.MAX_ITEMS - 2; i++) {
      objects.add(Detection.object(0, 0.5f, new Box(0, 0, 0.5f, 0.5f)));
      vectors.add(V);
    }
    List<FrameDetector.DescribedFace> faces = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      faces.add(
          new FrameDetector.DescribedFace(Detection.face(0.9f, new Box(0, 0, 0.1f, 0.1f)), F));
    }
    var items =
        DetectedItemAssembly.assemble(new FrameDetector.Result(objects, faces), vectors, "m", "f");
    assertThat(items.items()).hasSize(FieldLimits.MAX_ITEMS);
    assertThat(FieldLimits.itemCountViolation(items.items().size())).isNull();
    assertThat(items.objects()).isEqualTo(FieldLimits.MAX_ITEMS - 2);
    assertThat(items.faces()).isEqualTo(2);
    assertThat(items.dropped()).isEqualTo(3);
  }

  @Test
  void nothingFoundIsNoItemsAndAVectorPerObjectIsRequired() {
    var none = DetectedItemAssembly.assemble(FrameDetector.Result.EMPTY, List.of(), "m", "f");
    assertThat(none.items()).isEmpty();
    var one =
        new FrameDetector.Result(
            List.of(Detection.object(0, 0.5f, new Box(0, 0, 1, 1))), List.of());
    assertThatThrownBy(() -> DetectedItemAssembly.assemble(one, List.of(), "m", "f"))
        .hasMessageContaining("1 objects but 0 object vectors");
  }

  private static List<Float> floats(float[] a) {
    List<Float> l = new ArrayList<>();
    for (float f : a) {
      l.add(f);
    }
    return l;
  }
}
