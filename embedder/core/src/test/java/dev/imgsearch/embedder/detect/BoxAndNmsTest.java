package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BoxAndNmsTest {
  @Test
  void clampedKeepsCornersInsideTheImageAndOrdersThem() {
    Box b = Box.clamped(-0.2, 0.5, 1.3, 0.1);
    assertThat(b).isEqualTo(new Box(0f, 0.1f, 1f, 0.5f));
    assertThat(Box.clamped(Double.NaN, 0, 0.5, 0.5).x0()).isZero();
  }

  @Test
  void constructorRejectsBoxesOutsideTheUnitSquare() {
    assertThatThrownBy(() -> new Box(-0.1f, 0, 0.5f, 0.5f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Box(0.6f, 0, 0.5f, 0.5f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Box(0, 0, 0.5f, Float.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void iou() {
    Box a = new Box(0, 0, 0.5f, 0.5f);
    assertThat(a.iou(a)).isEqualTo(1f);
    assertThat(a.iou(new Box(0.5f, 0.5f, 1, 1))).isZero();
    // half overlap: inter 0.125, union 0.375
    assertThat(a.iou(new Box(0.25f, 0, 0.75f, 0.5f))).isCloseTo(1 / 3f, within(1e-6f));
    assertThat(new Box(0.2f, 0.2f, 0.2f, 0.4f).iou(a)).isZero();
  }

  @Test
  void suppressKeepsTheBestOfOverlappingBoxesUpToMaxCount() {
    Detection best = Detection.object(0, 0.9f, new Box(0, 0, 0.5f, 0.5f));
    Detection overlapping = Detection.object(0, 0.8f, new Box(0.05f, 0, 0.55f, 0.5f));
    Detection apart = Detection.object(0, 0.7f, new Box(0.6f, 0.6f, 0.9f, 0.9f));
    Detection weak = Detection.object(0, 0.1f, new Box(0, 0.6f, 0.2f, 0.9f));
    assertThat(Nms.suppress(List.of(weak, overlapping, apart, best), 0.4f, 10))
        .containsExactly(best, apart, weak);
    assertThat(Nms.suppress(List.of(weak, overlapping, apart, best), 0.4f, 2))
        .containsExactly(best, apart);
    assertThat(Nms.suppress(List.of(weak, overlapping, apart, best), 0.95f, 10))
        .containsExactly(best, overlapping, apart, weak);
  }

  @Test
  void perClassSuppressionLetsDifferentClassesOverlap() {
    Detection person = Detection.object(0, 0.9f, new Box(0, 0, 0.5f, 0.9f));
    Detection bicycle = Detection.object(1, 0.8f, new Box(0, 0.1f, 0.5f, 0.9f));
    Detection person2 = Detection.object(0, 0.7f, new Box(0, 0.05f, 0.5f, 0.9f));
    assertThat(Nms.suppressPerClass(List.of(person, bicycle, person2), 0.4f, 10))
        .containsExactly(person, bicycle);
    assertThat(Nms.suppress(List.of(person, bicycle, person2), 0.4f, 10)).containsExactly(person);
  }

  @Test
  void detectionValidatesItsFields() {
    Box b = new Box(0, 0, 1, 1);
    assertThat(Detection.object(2, 0.5f, b).label()).isEqualTo("car");
    assertThat(Detection.face(0.5f, b).classId()).isEqualTo(-1);
    assertThatThrownBy(() -> Detection.object(80, 0.5f, b))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Detection.object(0, 1.5f, b))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Detection(Detection.Kind.FACE, 0, "face", 0.5f, b))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cocoClassesByIdAndLabel() {
    assertThat(CocoClasses.LABELS).hasSize(CocoClasses.COUNT).doesNotHaveDuplicates();
    assertThat(CocoClasses.id(" Person ")).isZero();
    assertThat(CocoClasses.id("truck")).isEqualTo(7);
    assertThat(CocoClasses.label(79)).isEqualTo("toothbrush");
    assertThatThrownBy(() -> CocoClasses.id("van")).hasMessageContaining("not a COCO class");
  }
}
