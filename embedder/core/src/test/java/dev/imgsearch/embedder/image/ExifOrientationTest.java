package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
  /** 3 wide × 2 high, every pixel distinct: value = 10·y + x + 1. */
  static BufferedImage grid() {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        img.setRGB(x, y, 10 * y + x + 1);
      }
    }
    return img;
  }

  static int[][] pixels(BufferedImage img) {
    int[][] out = new int[img.getHeight()][img.getWidth()];
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        out[y][x] = img.getRGB(x, y) & 0xFFFFFF;
      }
    }
    return out;
  }

  @Test
  void eachOrientationProducesTheUprightImage() {
    // stored grid: [1 2 3] / [11 12 13]; the expected displayed images per EXIF 2.3
    int[][][] expected = {
      null,
      {{1, 2, 3}, {11, 12, 13}}, // 1 normal
      {{3, 2, 1}, {13, 12, 11}}, // 2 mirror horizontal
      {{13, 12, 11}, {3, 2, 1}}, // 3 rotate 180
      {{11, 12, 13}, {1, 2, 3}}, // 4 mirror vertical
      {{1, 11}, {2, 12}, {3, 13}}, // 5 transpose
      {{11, 1}, {12, 2}, {13, 3}}, // 6 rotate 90 CW
      {{13, 3}, {12, 2}, {11, 1}}, // 7 transverse
      {{3, 13}, {2, 12}, {1, 11}}, // 8 rotate 270 CW
    };
    for (int o = 1; o <= 8; o++) {
      assertThat(pixels(ExifOrientation.apply(grid(), o)))
          .as("orientation " + o)
          .isDeepEqualTo(expected[o]);
    }
  }

  @Test
  void readsTheTagInBothByteOrders() {
    byte[] jpeg = TestImages.encode(TestImages.scene(32, 16, 1), "jpg");
    assertThat(ExifOrientation.read(jpeg)).isEqualTo(1);
    for (int o = 1; o <= 8; o++) {
      assertThat(ExifOrientation.read(TestImages.withExifOrientation(jpeg, o, false))).isEqualTo(o);
      assertThat(ExifOrientation.read(TestImages.withExifOrientation(jpeg, o, true))).isEqualTo(o);
    }
  }

  @Test
  void damagedExifMeansUpright() {
    byte[] jpeg =
        TestImages.withExifOrientation(
            TestImages.encode(TestImages.scene(32, 16, 1), "jpg"), 6, false);
    assertThat(ExifOrientation.read(Arrays.copyOf(jpeg, 20)))
        .isEqualTo(1); // cut inside the EXIF block
    byte[] badIfd = jpeg.clone();
    badIfd[6 + 6 + 4] = 0x7F; // IFD offset far outside the segment
    assertThat(ExifOrientation.read(badIfd)).isEqualTo(1);
    byte[] badValue =
        TestImages.withExifOrientation(
            TestImages.encode(TestImages.scene(8, 8, 1), "jpg"), 42, true);
    assertThat(ExifOrientation.read(badValue)).isEqualTo(1);
    assertThat(ExifOrientation.read(new byte[] {1, 2, 3})).isEqualTo(1);
  }

  @Test
  void decoderAppliesOrientation() throws Exception {
    BufferedImage upright = TestImages.scene(128, 64, 2);
    byte[] stored = TestImages.rotatedJpeg(upright);
    BufferedImage decoded = new ImageDecoder(DecodeLimits.DEFAULT).decode(stored);
    assertThat(decoded.getWidth()).isEqualTo(128);
    assertThat(decoded.getHeight()).isEqualTo(64);
    double toUpright = BadImageCorpusTest.meanAbsDiff(decoded, upright);
    double toUpsideDown =
        BadImageCorpusTest.meanAbsDiff(decoded, ExifOrientation.apply(upright, 3));
    assertThat(toUpright).isLessThan(10.0).isLessThan(toUpsideDown / 3);
  }
}
