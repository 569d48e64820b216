package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlazeFaceDecoderTest {
  @Test
  void anchorsAreTheCellCentresOfTheTwoGridsInOutputOrder() {
    float[][] a = BlazeFaceDecoder.anchors(256);
    assertThat(a).hasNumberOfRows(896);
    assertThat(a[0]).containsExactly(8f, 8f);
    assertThat(a[1]).containsExactly(8f, 8f); // 2 anchors per cell on the 16x16 grid
    assertThat(a[2]).containsExactly(24f, 8f);
    assertThat(a[511]).containsExactly(248f, 248f);
    assertThat(a[512]).containsExactly(16f, 16f); // then 6 per cell on the 8x8 grid, stride 32
    assertThat(a[517]).containsExactly(16f, 16f);
    assertThat(a[518]).containsExactly(48f, 16f);
    assertThat(a[895]).containsExactly(240f, 240f);
  }

  @Test
  void decodesCentreOffsetAndSizeAroundTheAnchor() {
    float[] logits = new float[896];
    java.util.Arrays.fill(logits, -10);
    float[] reg = new float[896 * 16];
    logits[2] = 2; // anchor (24, 8)
    reg[2 * 16] = 8; // centre x 32
    reg[2 * 16 + 1] = 24; // centre y 32
    reg[2 * 16 + 2] = 32; // width
    reg[2 * 16 + 3] = 16; // height
    List<Detection> faces = BlazeFaceDecoder.decode(logits, reg, 0.5f);
    assertThat(faces).hasSize(1);
    Detection f = faces.get(0);
    assertThat(f.kind()).isEqualTo(Detection.Kind.FACE);
    assertThat(f.score()).isCloseTo((float) (1 / (1 + Math.exp(-2))), within(1e-6f));
    assertThat(f.box().x0()).isCloseTo(16 / 256f, within(1e-6f));
    assertThat(f.box().y0()).isCloseTo(24 / 256f, within(1e-6f));
    assertThat(f.box().x1()).isCloseTo(48 / 256f, within(1e-6f));
    assertThat(f.box().y1()).isCloseTo(40 / 256f, within(1e-6f));
  }

  @Test
  void concatJoinsTheHeadsInOrder() {
    assertThat(BlazeFaceDecoder.concat(new float[] {1, 2}, new float[] {3}))
        .containsExactly(1, 2, 3);
  }
}
