package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.embedder.model.ModelDescriptor.Layout;
import dev.imgsearch.embedder.model.ModelDescriptor.Pooling;
import org.junit.jupiter.api.Test;

class PoolingTest {
  // batch 2, 2 channels, 1 × 2 grid; NCHW: [b][c][cell]
  private static final float[] NCHW = {1, 3, 10, 20, /* image 2 */ 0, 4, 5, 5};

  @Test
  void averageOverTheGridInBothLayouts() {
    float[][] v =
        dev.imgsearch.embedder.model.Pooling.apply(
            NCHW, new long[] {2, 2, 1, 2}, Pooling.GAP, 3, Layout.NCHW);
    assertThat(v[0]).containsExactly(2f, 15f);
    assertThat(v[1]).containsExactly(2f, 5f);
    // the same numbers in NHWC: [b][cell][c]
    float[] nhwc = {1, 10, 3, 20, 0, 5, 4, 5};
    float[][] w =
        dev.imgsearch.embedder.model.Pooling.apply(
            nhwc, new long[] {2, 1, 2, 2}, Pooling.GAP, 3, Layout.NHWC);
    assertThat(w[0]).containsExactly(2f, 15f);
    assertThat(w[1]).containsExactly(2f, 5f);
  }

  @Test
  void generalisedMeanLiesBetweenMeanAndMax() {
    float[][] v =
        dev.imgsearch.embedder.model.Pooling.apply(
            NCHW, new long[] {2, 2, 1, 2}, Pooling.GEM, 3, Layout.NCHW);
    assertThat(v[0][0]).isCloseTo((float) Math.cbrt((1 + 27) / 2.0), within(1e-5f));
    assertThat(v[0][0]).isBetween(2f, 3f);
    assertThat(v[1][0])
        .isCloseTo((float) Math.cbrt((1e-18 + 64) / 2.0), within(1e-4f)); // 0 clamped to 1e-6
    float[][] p1 =
        dev.imgsearch.embedder.model.Pooling.apply(
            NCHW, new long[] {2, 2, 1, 2}, Pooling.GEM, 1, Layout.NCHW);
    assertThat(p1[0][1]).isCloseTo(15f, within(1e-5f)); // p = 1 is the average
  }

  @Test
  void tokensAndPlainVectors() {
    float[] tokens = {1, 2, 3, 4, 5, 6}; // 1 image, 3 tokens, 2 dims
    assertThat(
            dev.imgsearch.embedder.model.Pooling.apply(
                tokens, new long[] {1, 3, 2}, Pooling.CLS, 3, Layout.NCHW)[0])
        .containsExactly(1f, 2f);
    assertThat(
            dev.imgsearch.embedder.model.Pooling.apply(
                tokens, new long[] {1, 3, 2}, Pooling.MEAN_TOKENS, 3, Layout.NCHW)[0])
        .containsExactly(new float[] {3f, 4f}, within(1e-6f));
    float[][] plain =
        dev.imgsearch.embedder.model.Pooling.apply(
            tokens, new long[] {2, 3}, Pooling.NONE, 3, Layout.NCHW);
    assertThat(plain[1]).containsExactly(4f, 5f, 6f);
    assertThat(
            dev.imgsearch.embedder.model.Pooling.apply(
                tokens, new long[] {2, 3, 1, 1}, Pooling.NONE, 3, Layout.NCHW)[0])
        .containsExactly(1f, 2f, 3f);
  }

  @Test
  void aShapeThatDoesNotFitThePoolingIsAnError() {
    assertThatThrownBy(
            () ->
                dev.imgsearch.embedder.model.Pooling.apply(
                    NCHW, new long[] {2, 2, 1, 2}, Pooling.NONE, 3, Layout.NCHW))
        .hasMessageContaining("[N, D]");
    assertThatThrownBy(
            () ->
                dev.imgsearch.embedder.model.Pooling.apply(
                    NCHW, new long[] {2, 4, 2}, Pooling.GAP, 3, Layout.NCHW))
        .hasMessageContaining("4-D");
  }
}
