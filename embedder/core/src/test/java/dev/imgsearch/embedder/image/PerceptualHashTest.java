package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PerceptualHashTest {
  private final ImageDecoder decoder =
      new ImageDecoder(new DecodeLimits(64L << 20, 50_000_000L, 0));

  @Test
  void nearDuplicatesAreCloseAndDifferentPicturesFar() throws Exception {
    BufferedImage original = TestImages.scene(800, 600, 11);
    long h = PerceptualHash.of(original);
    long rescaled = PerceptualHash.of(TestImages.scaled(original, 320, 240));
    long reencoded = PerceptualHash.of(decoder.decode(TestImages.encode(original, "jpg")));
    assertThat(PerceptualHash.distance(h, rescaled)).isLessThanOrEqualTo(4);
    assertThat(PerceptualHash.distance(h, reencoded)).isLessThanOrEqualTo(4);
    for (int other = 20; other < 30; other++) {
      long d = PerceptualHash.of(TestImages.scene(800, 600, other));
      assertThat(PerceptualHash.distance(h, d)).as("scene " + other).isGreaterThan(12);
    }
  }

  @Test
  void halfTheBitsAreSetAndTheHashIsDeterministic() {
    BufferedImage img = TestImages.scene(300, 200, 3);
    long h = PerceptualHash.of(img);
    assertThat(Long.bitCount(h)).isBetween(28, 32); // "> median" of 64 values: at most 32 bits
    assertThat(PerceptualHash.of(img)).isEqualTo(h);
    assertThat(PerceptualHash.hex(h)).hasSize(16);
  }

  @Test
  void dctOfAHorizontalRampSetsTheFirstRowBits() {
    // a ramp varying along x only: energy in row 0 (v = 0) of the DCT; coefficient (0,1) strongly
    // negative
    double[][] g = new double[32][32];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        g[y][x] = x * 8;
      }
    }
    long h = PerceptualHash.ofGrey(g);
    assertThat((h >>> 63) & 1).isEqualTo(1); // DC is the largest coefficient
    assertThat((h >>> 62) & 1).isEqualTo(0); // (u=1, v=0) is negative for an increasing ramp
  }

  @Test
  void greyLevelsAreAreaAveraged() {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x % 2 == 0) ? 0xFFFFFF : 0x000000);
      }
    }
    double[][] g = PerceptualHash.grey32(img);
    assertThat(g[5][7]).isCloseTo(127.5, org.assertj.core.api.Assertions.within(0.01));
  }

  @Test
  void eachCellIsTheMeanLumaOfItsPixels() {
    java.util.Random random = new java.util.Random(7);
    for (int[] size : new int[][] {{320, 240}, {333, 97}, {41, 1000}, {32, 32}, {1001, 33}}) {
      int w = size[0];
      int h = size[1];
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          img.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      double[][] sum = new double[32][32];
      int[][] count = new int[32][32];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = img.getRGB(x, y);
          sum[y * 32 / h][x * 32 / w] +=
              0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
          count[y * 32 / h][x * 32 / w]++;
        }
      }
      double[][] g = PerceptualHash.grey32(img);
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          assertThat(g[y][x])
              .as("cell %d,%d of %dx%d", y, x, w, h)
              .isCloseTo(sum[y][x] / count[y][x], org.assertj.core.api.Assertions.within(1e-9));
        }
      }
    }
  }

  @Test
  void imagesSmallerThanTheGridRepeatTheirPixels() {
    BufferedImage tiny = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    tiny.setRGB(0, 0, 0xFFFFFF);
    double[][] g = PerceptualHash.grey32(tiny);
    assertThat(g[31][0])
        .isCloseTo(255.0, org.assertj.core.api.Assertions.within(0.01)); // left half white
    assertThat(g[0][31])
        .isCloseTo(0.0, org.assertj.core.api.Assertions.within(0.01)); // right half black
    PerceptualHash.of(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)); // no error
  }
}
