package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecodeLimitsTest {
  @Test
  void subsamplingKeepsTwiceTheTarget() {
    DecodeLimits limits = new DecodeLimits(1, 1, 224);
    assertThat(limits.subsampling(4000, 3000)).isEqualTo(6);
    assertThat(limits.subsampling(1632, 1224)).isEqualTo(2);
    assertThat(limits.subsampling(640, 480)).isEqualTo(1);
  }

  @Test
  void dctScaleIsThePowerOfTwoEighthKeepingTheShorterSideAtLeastTheTarget() {
    DecodeLimits limits = new DecodeLimits(1, 1, 224);
    assertThat(limits.dctScale(4000, 3000)).isEqualTo(1); // 375
    assertThat(limits.dctScale(1632, 1224)).isEqualTo(2); // 306
    assertThat(limits.dctScale(1920, 1080)).isEqualTo(2); // 270
    assertThat(limits.dctScale(1280, 720)).isEqualTo(4); // 360; 1/4 would be 180
    assertThat(limits.dctScale(640, 480)).isEqualTo(4); // 240
    assertThat(limits.dctScale(640, 447)).isEqualTo(4); // libjpeg rounds up: 447 / 2 → 224
    assertThat(limits.dctScale(640, 446)).isEqualTo(8); // 223
    assertThat(limits.dctScale(320, 240)).isEqualTo(8);
    assertThat(limits.dctScale(50, 10_000)).isEqualTo(8);
    assertThat(limits.dctScale(1792, 1792)).isEqualTo(1); // exactly 224
    assertThat(new DecodeLimits(1, 1, 0).dctScale(4000, 3000)).isEqualTo(8);
  }
}
