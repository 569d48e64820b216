package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.embedder.image.Pixels;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  private static ModelDescriptor model(
      ModelDescriptor.Layout layout,
      ModelDescriptor.ChannelOrder order,
      float[] mean,
      float[] std) {
    return new ModelDescriptor(
        "m",
        "1",
        "m.onnx",
        "",
        "in",
        "out",
        layout,
        2,
        2,
        ModelDescriptor.Resize.SQUASH,
        0,
        order,
        1f / 255f,
        mean,
        std,
        ModelDescriptor.Pooling.NONE,
        3f,
        ModelDescriptor.Layout.NCHW,
        0,
        4,
        true);
  }

  private static BufferedImage fixed2x2() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000); // red
    img.setRGB(1, 0, 0x00FF00); // green
    img.setRGB(0, 1, 0x0000FF); // blue
    img.setRGB(1, 1, 0x336699);
    return img;
  }

  /**
   * A black {@code w}×{@code h} image, white from ({@code x0}, {@code y0}) to before ({@code x1},
   * {@code y1}).
   */
  private static BufferedImage whiteOnBlack(int w, int h, int x0, int y0, int x1, int y1) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        img.setRGB(x, y, 0xFFFFFF);
      }
    }
    return img;
  }

  @Test
  void nchwRgbScaledToUnitRange() {
    float[] t =
        new Preprocessor(
                model(ModelDescriptor.Layout.NCHW, ModelDescriptor.ChannelOrder.RGB, null, null))
            .toTensor(fixed2x2());
    // R plane, G plane, B plane; pixels in row-major order
    assertThat(t)
        .containsExactly(
            new float[] {
              1f, 0f, 0f, 0x33 / 255f,
              0f, 1f, 0f, 0x66 / 255f,
              0f, 0f, 1f, 0x99 / 255f
            },
            within(1e-7f));
  }

  @Test
  void nhwcBgrWithMeanAndStd() {
    float[] t =
        new Preprocessor(
                model(
                    ModelDescriptor.Layout.NHWC,
                    ModelDescriptor.ChannelOrder.BGR,
                    new float[] {0.5f, 0.5f, 0.5f},
                    new float[] {0.5f, 0.5f, 0.5f}))
            .toTensor(fixed2x2());
    // pixel (0,0) red → B,G,R = 0,0,1 → (x-0.5)/0.5 = -1,-1,1
    assertThat(t[0]).isCloseTo(-1f, within(1e-6f));
    assertThat(t[1]).isCloseTo(-1f, within(1e-6f));
    assertThat(t[2]).isCloseTo(1f, within(1e-6f));
    assertThat(t).hasSize(12);
  }

  @Test
  void centerCropKeepsTheMiddleOfAWideImage() {
    // 6x2 image: left and right thirds black, middle third white → crop to 2x2 keeps only white
    BufferedImage wide = whiteOnBlack(6, 2, 2, 0, 4, 2);
    BufferedImage out =
        Preprocessor.resize(wide, 2, 2, ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP);
    assertThat(out.getWidth()).isEqualTo(2);
    assertThat(out.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(out.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFFFFFF);

    BufferedImage squashed = Preprocessor.resize(wide, 2, 2, ModelDescriptor.Resize.SQUASH);
    assertThat(squashed.getRGB(0, 0) & 0xFFFFFF).isNotEqualTo(0xFFFFFF);
  }

  @Test
  void largeImagesAreReducedToTheTargetSize() {
    BufferedImage big = new BufferedImage(1000, 700, BufferedImage.TYPE_INT_RGB);
    BufferedImage out =
        Preprocessor.resize(big, 224, 224, ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP);
    assertThat(out.getWidth()).isEqualTo(224);
    assertThat(out.getHeight()).isEqualTo(224);
    // the resampled pixels wrapped as a plain RGB image: Pixels.rgb reads them without a copy
    assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(Pixels.rgb(out))
        .isSameAs(((DataBufferInt) out.getRaster().getDataBuffer()).getData());
  }

  @Test
  void l2NormaliseGivesUnitLength() {
    float[] v = Vectors.l2Normalize(new float[] {3, 4});
    assertThat(v).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
    assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {0, 1})).isEqualTo(0.0);
  }

  @Test
  void resizeShorterSideThenCropKeepsTheCentralFraction() {
    // 512x512 with a 64-px black border: Resize(256)+CenterCrop(224) keeps the central 448 px → no
    // black at all
    BufferedImage framed = whiteOnBlack(512, 512, 32, 32, 480, 480);
    BufferedImage cropped =
        Preprocessor.resize(framed, 224, 224, ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP, 256);
    assertThat(cropped.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(cropped.getRGB(223, 223) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    BufferedImage whole =
        Preprocessor.resize(framed, 224, 224, ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP, 0);
    assertThat(whole.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0);
  }
}
