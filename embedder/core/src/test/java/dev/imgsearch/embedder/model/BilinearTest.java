package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.image.Pixels;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BilinearTest {
  /** A photo-like test card: smooth gradients, hard edges and sensor noise. */
  static int[] card(int w, int h, long seed) {
    Random rnd = new Random(seed);
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = 255 * x / w;
        int g = 255 * y / h;
        int b = ((x / 17 + y / 11) % 2 == 0) ? 40 : 210;
        r = clamp(r + rnd.nextInt(31) - 15);
        g = clamp(g + rnd.nextInt(31) - 15);
        px[y * w + x] = (r << 16) | (g << 8) | b;
      }
    }
    return px;
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** What Java2D's bilinear {@code drawImage} makes of the same pixels. */
  static int[] java2d(int[] px, int sw, int sh, int w, int h) {
    BufferedImage src = Preprocessor.rgbImage(px, sw, sh); // drawn from, never written
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return Pixels.rgb(dst);
  }

  /** Largest per-channel difference, and the mean one. */
  static double[] difference(int[] a, int[] b) {
    int max = 0;
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int d = Math.abs(((a[i] >> shift) & 0xff) - ((b[i] >> shift) & 0xff));
        max = Math.max(max, d);
        sum += d;
      }
    }
    return new double[] {max, (double) sum / (3.0 * a.length)};
  }

  @Test
  void matchesJava2dBilinearWithinOneLevel() {
    // the decoder's 0.3 MP frame (320×240 after DCT scaling) to the model's 224², an upscale, and
    // a halving
    int[][] cases = {{320, 240, 224, 224}, {100, 80, 224, 224}, {448, 300, 224, 150}};
    for (int[] c : cases) {
      int[] px = card(c[0], c[1], c[0]);
      int[] ours = Bilinear.resize(px, c[0], 0, 0, c[0], c[1], c[2], c[3]);
      double[] d = difference(ours, java2d(px, c[0], c[1], c[2], c[3]));
      assertThat(d[0]).as("largest difference, %s", Arrays.toString(c)).isLessThanOrEqualTo(1);
      assertThat(d[1]).as("mean difference").isLessThan(0.5);
    }
  }

  @Test
  void aUniformImageStaysUniform() {
    int[] px = new int[37 * 23];
    Arrays.fill(px, 0x336699);
    assertThat(Bilinear.resize(px, 37, 0, 0, 37, 23, 224, 224)).containsOnly(0x336699);
    assertThat(Bilinear.resize(px, 37, 0, 0, 37, 23, 5, 3)).containsOnly(0x336699);
  }

  @Test
  void halvingAveragesEachTwoByTwoBlock() {
    int[] px = {0x000000, 0x040404, 0x080808, 0x0C0C0C, 0x101010, 0x141414, 0x181818, 0x1C1C1C};
    // 4×2 → 2×1: (0+4+16+20)/4 = 10, (8+12+24+28)/4 = 18
    assertThat(Bilinear.resize(px, 4, 0, 0, 4, 2, 2, 1)).containsExactly(0x0A0A0A, 0x121212);
  }

  @Test
  void theSameSizeCopiesTheRegion() {
    int[] px = card(9, 7, 1);
    int[] region = Bilinear.resize(px, 9, 2, 3, 4, 2, 4, 2);
    assertThat(region)
        .containsExactly(px[29], px[30], px[31], px[32], px[38], px[39], px[40], px[41]);
  }

  @Test
  void aRegionOutsideTheSourceIsRefused() {
    int[] px = new int[10 * 10];
    assertThatThrownBy(() -> Bilinear.resize(px, 10, 5, 0, 6, 10, 3, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bilinear.resize(px, 10, 0, 5, 10, 6, 3, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bilinear.resize(px, 10, 0, 0, 10, 10, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
