package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FieldLimits#itemViolation} and {@link FieldLimits#itemCountViolation}. */
class DetectedItemLimitsTest {
  private static final List<Float> BOX = List.of(0.1f, 0.2f, 0.5f, 0.9f);

  @Test
  void aWellFormedItemPasses() {
    assertThat(FieldLimits.itemViolation(0, "person", 0.9f, BOX, "det@1")).isNull();
    assertThat(
            FieldLimits.itemViolation(
                FieldLimits.MAX_ITEM_INDEX, "x".repeat(64), 0f, List.of(0f, 0f, 1f, 1f), "m"))
        .isNull();
    assertThat(FieldLimits.itemCountViolation(FieldLimits.MAX_ITEMS)).isNull();
  }

  @Test
  void eachViolationIsNamed() {
    assertThat(FieldLimits.itemViolation(-1, "person", 0.9f, BOX, "m")).contains("index -1");
    assertThat(FieldLimits.itemViolation(1000, "person", 0.9f, BOX, "m")).contains("index 1000");
    assertThat(FieldLimits.itemViolation(2, "", 0.9f, BOX, "m")).contains("item 2 has no label");
    assertThat(FieldLimits.itemViolation(2, "x".repeat(65), 0.9f, BOX, "m"))
        .contains("label of 65 UTF-8 bytes");
    assertThat(FieldLimits.itemViolation(2, "person", 1.5f, BOX, "m")).contains("score 1.5");
    assertThat(FieldLimits.itemViolation(2, "person", Float.NaN, BOX, "m")).contains("score NaN");
    assertThat(FieldLimits.itemViolation(2, "person", 0.5f, List.of(0f, 0f, 1f), "m"))
        .contains("4 coordinates");
    assertThat(FieldLimits.itemViolation(2, "person", 0.5f, List.of(0f, 0f, 1.2f, 1f), "m"))
        .contains("1.2");
    assertThat(FieldLimits.itemViolation(2, "person", 0.5f, List.of(0.6f, 0f, 0.5f, 1f), "m"))
        .contains("x0 > x1");
    assertThat(FieldLimits.itemViolation(2, "person", 0.5f, BOX, null))
        .contains("model is missing");
    assertThat(FieldLimits.itemCountViolation(65)).contains("65 detected items, at most 64");
  }
}
