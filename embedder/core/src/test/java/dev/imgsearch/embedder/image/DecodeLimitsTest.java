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

  @Test
  void extremeAspectRatiosAreRejectedFromTheHeader() {
    DecodeLimits l = DecodeLimits.DEFAULT;
    assertThat(l.maxAspectRatio()).isEqualTo(200);
    assertThat(l.aspectViolation(10_000, 50)).isNull(); // 200:1, the corpus's banner
    assertThat(l.aspectViolation(50, 10_000)).isNull();
    assertThat(l.aspectViolation(399, 125_000)).contains("399x125000").contains("200");
    assertThat(l.aspectViolation(10_001, 50)).isNotNull();
  }

  @Test
  void decodeBytesCountTheRasterAndTheRgbCopy() {
    assertThat(DecodeLimits.decodeBytes(399, 125_000, 1, 3)).isEqualTo(399L * 125_000 * (3 + 4));
    assertThat(DecodeLimits.decodeBytes(10, 10, 3, 8)).as("4 × 4 pixels").isEqualTo(16L * (8 + 4));
    assertThat(DecodeLimits.dctDecodeBytes(1000, 800, 1))
        .as("125 × 100, 4-byte pixels")
        .isEqualTo(12_500L * 8);
  }

  @Test
  void subsamplingGrowsUntilTheDecodeFitsTheBudget() {
    DecodeLimits l = new DecodeLimits(1, 50_000_000, 224, 64L << 20, 1000);
    // 800 × 40 000 16-bit RGBA: 32 MP, 8 bytes a pixel; the target alone would read it whole
    assertThat(l.subsampling(800, 40_000)).isEqualTo(1);
    int s = l.budgetedSubsampling(800, 40_000, 8);
    assertThat(s).isEqualTo(3);
    assertThat(DecodeLimits.decodeBytes(800, 40_000, s, 8)).isLessThanOrEqualTo(64L << 20);
    assertThat(DecodeLimits.decodeBytes(800, 40_000, s - 1, 8)).isGreaterThan(64L << 20);
    assertThat(l.budgetedSubsampling(399, 125_000, 3)).isEqualTo(3);
    assertThat(l.budgetedSubsampling(4000, 3000, 3))
        .as("the target decides, well within")
        .isEqualTo(6);
    assertThat(l.budgetedSubsampling(640, 480, 4)).isEqualTo(1);
    // 1 KiB: 300 × 300 would have to shrink below the smallest usable side
    assertThat(new DecodeLimits(1, 1_000_000, 224, 1 << 10, 200).budgetedSubsampling(300, 300, 3))
        .isEqualTo(-1);
  }

  @Test
  void dctScaleShrinksUntilTheDecodeFitsTheBudget() {
    DecodeLimits l = new DecodeLimits(1, 50_000_000, 224, 64L << 20, 1000);
    assertThat(l.dctScale(399, 125_000)).isEqualTo(8);
    assertThat(l.budgetedDctScale(399, 125_000)).isEqualTo(2); // 100 × 31 250: 25 MB
    assertThat(l.budgetedDctScale(4000, 3000)).isEqualTo(1);
    assertThat(l.budgetedDctScale(640, 480)).isEqualTo(4);
    assertThat(new DecodeLimits(1, 50_000_000, 224, 1 << 10, 200).budgetedDctScale(4000, 3000))
        .as("not even 1/8 fits: ImageIO decides")
        .isZero();
  }

  @Test
  void theOldConstructorKeepsTheDefaultBudgetAndAspectLimit() {
    DecodeLimits l = new DecodeLimits(1 << 20, 1_000_000, 224);
    assertThat(l.maxRasterBytes())
        .isEqualTo(DecodeLimits.DEFAULT.maxRasterBytes())
        .isEqualTo(64L << 20);
    assertThat(l.maxAspectRatio()).isEqualTo(200);
  }
}
