package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorMathTest {

  @Test
  void normalisesToUnitLength() {
    float[] unit = VectorMath.normalised(new float[] {3, 4}, 2);

    assertThat(unit[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(unit[1]).isCloseTo(0.8f, within(1e-6f));
  }

  @Test
  void doesNotModifyTheInput() {
    float[] input = {3, 4};

    VectorMath.normalised(input, 2);

    assertThat(input).containsExactly(3, 4);
  }

  @Test
  void rejectsWrongDimensionZeroAndNonFinite() {
    assertThatThrownBy(() -> VectorMath.normalised(new float[] {1, 2, 3}, 2))
        .isInstanceOfSatisfying(
            InvalidQueryException.class,
            e -> assertThat(e.code()).isEqualTo(InvalidQueryException.WRONG_DIMENSION))
        .hasMessageContaining("2 components, got 3");
    assertThatThrownBy(() -> VectorMath.normalised(new float[] {0, 0}, 2))
        .hasMessageContaining("zeros");
    assertThatThrownBy(() -> VectorMath.normalised(new float[] {Float.NaN, 1}, 2))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> VectorMath.normalised(null, 2)).hasMessageContaining("required");
  }
}
