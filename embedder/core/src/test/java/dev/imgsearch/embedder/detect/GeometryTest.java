package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Letterbox mapping, face crop math and the image → tensor steps. */
class GeometryTest {
  @Test
  void stretchMapsBoxesUnchanged() {
    Box b = new Box(0.1f, 0.2f, 0.3f, 0.4f);
    assertThat(Letterbox.stretch(640, 480).toImage(b)).isEqualTo(b);
  }

  @Test
  void padCentresTheImageAndMapsBoxesBack() {
    Letterbox l = Letterbox.pad(640, 480); // side 640, 80 px bars above and below
    assertThat(l.padY()).isEqualTo(80);
    assertThat(l.padX()).isZero();
    // the input's vertical middle band [80/640, 560/640] is the whole image height
    Box b = l.toImage(new Box(0.25f, 80 / 640f, 0.5f, 560 / 640f));
    assertThat(b.x0()).isCloseTo(0.25f, within(1e-6f));
    assertThat(b.y0()).isCloseTo(0f, within(1e-6f));
    assertThat(b.y1()).isCloseTo(1f, within(1e-6f));
    // a box in the bar is clamped to the edge
    assertThat(l.toImage(new Box(0, 0, 0.1f, 0.05f)).height()).isZero();
    assertThatThrownBy(() -> Letterbox.pad(0, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void faceCropIsASquareAroundTheFaceEnlargedByTheFactor() {
    // face 40x60 px centred at (100, 90) in a 200x180 image
    Box face = new Box(80 / 200f, 60 / 180f, 120 / 200f, 120 / 180f);
    FaceCrop c = FaceCrop.of(face, 200, 180, 1.4);
    assertThat(c.size()).isCloseTo(84, within(1e-4));
    assertThat(c.x()).isCloseTo(58, within(1e-4));
    assertThat(c.y()).isCloseTo(48, within(1e-4));
    // near the edge the crop reaches outside the image
    FaceCrop edge = FaceCrop.of(new Box(0, 0, 0.1f, 0.1f), 200, 200, 1.4);
    assertThat(edge.x()).isNegative();
  }

  @Test
  void cropFillsOutsideTheImageWithBlackAndScalesTheInside() {
    BufferedImage white = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = white.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, 100, 100);
    g.dispose();
    // a 100 px crop whose left half is outside the image
    BufferedImage crop = ImageTensors.crop(white, new FaceCrop(-50, 0, 100), 50);
    assertThat(crop.getWidth()).isEqualTo(50);
    assertThat(crop.getRGB(5, 25) & 0xffffff).isZero();
    assertThat(crop.getRGB(45, 25) & 0xffffff).isEqualTo(0xffffff);
  }

  @Test
  void fitWithPaddingLeavesBlackBarsAndNhwcNormalises() {
    BufferedImage white = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = white.createGraphics();
    g.setColor(new java.awt.Color(255, 0, 51));
    g.fillRect(0, 0, 200, 100);
    g.dispose();
    BufferedImage in = ImageTensors.fit(white, Letterbox.pad(200, 100), 64); // image rows 16..47
    assertThat(in.getWidth()).isEqualTo(64);
    assertThat(in.getRGB(32, 5) & 0xffffff).isZero();
    assertThat(in.getRGB(32, 32) & 0xffffff).isEqualTo(0xff0033);
    float[] t = ImageTensors.nhwc(in, 1 / 127.5f, -1f);
    int px = (32 * 64 + 32) * 3;
    assertThat(t[px]).isCloseTo(1f, within(1e-6f));
    assertThat(t[px + 1]).isCloseTo(-1f, within(1e-6f));
    assertThat(t[px + 2]).isCloseTo(51 / 127.5f - 1, within(1e-6f));
    assertThat(ImageTensors.fit(white, Letterbox.stretch(200, 100), 64).getRGB(32, 2) & 0xffffff)
        .isEqualTo(0xff0033);
  }

  @Test
  void boxRegionRoundsOutwardsAndIsNeverEmpty() {
    BufferedImage frame = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
    BufferedImage r = ImageTensors.boxRegion(frame, new Box(0.101f, 0.25f, 0.5f, 0.755f));
    assertThat(r.getWidth()).isEqualTo(80); // x 20..100
    assertThat(r.getHeight()).isEqualTo(51); // y 25..76
    assertThat(ImageTensors.boxRegion(frame, new Box(1, 1, 1, 1)).getWidth()).isEqualTo(1);
    assertThat(ImageTensors.boxRegion(frame, new Box(0, 0, 1, 1)).getHeight()).isEqualTo(100);
  }

  @Test
  void optionsRejectNonsense() {
    assertThatThrownBy(() -> new ObjectDetector.Options(0, 0.4f, 10, java.util.Set.of()))
        .hasMessageContaining("minScore");
    assertThatThrownBy(() -> new ObjectDetector.Options(0.2f, 0.4f, 0, java.util.Set.of()))
        .hasMessageContaining("maxCount");
    assertThatThrownBy(() -> new ObjectDetector.Options(0.2f, 0.4f, 10, java.util.Set.of(80)))
        .hasMessageContaining("80");
    assertThatThrownBy(() -> new FaceDetector.Options(0.5f, 1.5f, 10))
        .hasMessageContaining("iouThreshold");
  }
}
