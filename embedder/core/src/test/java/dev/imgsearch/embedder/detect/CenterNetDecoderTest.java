package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CenterNetDecoderTest {
  // 8x8 grid, 3 classes, stride 4: a 32x32 input
  private final CenterNetDecoder decoder = new CenterNetDecoder(8, 3, 4);

  private static void set(float[] heat, int row, int col, int c, float v) {
    heat[(row * 8 + col) * 3 + c] = v;
  }

  @Test
  void aPeakBecomesABoxAroundItsCellFromTheEdgeDistances() {
    float[] heat = new float[8 * 8 * 3];
    float[] wh = new float[8 * 8 * 4];
    set(heat, 2, 3, 1, 0.9f); // centre (12, 8) px
    int o = (2 * 8 + 3) * 4;
    wh[o] = 4; // left
    wh[o + 1] = 8; // top
    wh[o + 2] = 8; // right
    wh[o + 3] = 16; // bottom
    List<Detection> d = decoder.decode(heat, wh, 0.5f, 100, c -> true);
    assertThat(d).hasSize(1);
    assertThat(d.get(0).classId()).isEqualTo(1);
    assertThat(d.get(0).score()).isEqualTo(0.9f);
    Box b = d.get(0).box();
    assertThat(b.x0()).isCloseTo(8 / 32f, within(1e-6f));
    assertThat(b.y0()).isCloseTo(0f, within(1e-6f));
    assertThat(b.x1()).isCloseTo(20 / 32f, within(1e-6f));
    assertThat(b.y1()).isCloseTo(24 / 32f, within(1e-6f));
  }

  @Test
  void onlyLocalMaximaOfTheSameClassCountAndBoxesAreClamped() {
    float[] heat = new float[8 * 8 * 3];
    float[] wh = new float[8 * 8 * 4];
    java.util.Arrays.fill(wh, 100); // far outside the input
    set(heat, 4, 4, 0, 0.8f);
    set(heat, 4, 5, 0, 0.7f); // neighbour of a higher peak: not a peak
    set(heat, 4, 5, 2, 0.6f); // other class at the same cell: a peak
    set(heat, 0, 0, 0, 0.3f); // below the threshold
    List<Detection> d = decoder.decode(heat, wh, 0.5f, 100, c -> true);
    assertThat(d).extracting(Detection::classId).containsExactly(0, 2);
    assertThat(d.get(0).box()).isEqualTo(new Box(0, 0, 1, 1));
  }

  @Test
  void topKAndAllowListBoundTheCandidates() {
    float[] heat = new float[8 * 8 * 3];
    float[] wh = new float[8 * 8 * 4];
    set(heat, 0, 0, 0, 0.9f);
    set(heat, 4, 4, 1, 0.8f);
    set(heat, 7, 7, 2, 0.7f);
    assertThat(decoder.decode(heat, wh, 0.5f, 2, c -> true))
        .extracting(Detection::score)
        .containsExactly(0.9f, 0.8f);
    assertThat(decoder.decode(heat, wh, 0.5f, 100, c -> c == 2))
        .extracting(Detection::classId)
        .containsExactly(2);
  }

  @Test
  void rejectsOutputsOfTheWrongSize() {
    assertThatThrownBy(
            () -> decoder.decode(new float[10], new float[8 * 8 * 4], 0.5f, 10, c -> true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CenterNetDecoder.COCO_512.inputSize()).isEqualTo(512);
  }
}
