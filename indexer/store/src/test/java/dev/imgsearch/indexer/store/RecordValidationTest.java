package dev.imgsearch.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.FieldLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValidationTest {
  static VectorRecord record(String id, String key, List<String> tags, float... vector) {
    return new VectorRecord(id, vector, "bucket", key, "cam", 1, tags, "model@1");
  }

  @Test
  void fieldsAreCheckedAgainstTheSharedLimits() {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      tags.add("t" + i);
    }
    assertThat(RecordValidation.fieldViolation(record("a", "k", tags.subList(0, 32), 1f))).isNull();
    assertThat(RecordValidation.fieldViolation(record("a", "k", tags, 1f)))
        .isEqualTo("33 tags, at most 32");
    assertThat(RecordValidation.fieldViolation(record("a", "€".repeat(342), List.of(), 1f)))
        .contains("key of 1026");
    assertThat(RecordValidation.fieldViolation(record("x".repeat(65), "k", List.of(), 1f)))
        .contains("id of 65");
    assertThat(RecordValidation.fieldViolation(record("", "k", List.of(), 1f)))
        .isEqualTo("empty id");
    VectorRecord longModel =
        new VectorRecord("a", new float[] {1f}, "b", "k", "s", 1, List.of(), "m".repeat(1025));
    assertThat(RecordValidation.fieldViolation(longModel)).contains("model of 1025");
  }

  @Test
  void vectorsMustBeFiniteAndOfTheCollectionsDimension() {
    assertThat(RecordValidation.vectorViolation(new float[] {1f, 0f}, 2)).isNull();
    assertThat(RecordValidation.vectorViolation(new float[] {1f}, 2)).contains("dimension 1");
    assertThat(RecordValidation.vectorViolation(new float[] {Float.NaN, 0f}, 2))
        .contains("non-finite");
  }

  @Test
  void checkThrowsWithTheIdAndTheReason() {
    assertThatThrownBy(
            () -> RecordValidation.check(record("a", "k", List.of("x".repeat(1025)), 1f), 1))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.id()).isEqualTo("a");
              assertThat(e.reason()).isEqualTo(FieldLimits.REASON);
            });
    assertThatThrownBy(
            () ->
                RecordValidation.check(record("b", "k", List.of(), 1f, Float.POSITIVE_INFINITY), 2))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordValidation.INVALID_VECTOR))
        .isInstanceOf(IllegalArgumentException.class);
    RecordValidation.check(record("c", "k", List.of("door"), 1f, 0f), 2);
  }
}
