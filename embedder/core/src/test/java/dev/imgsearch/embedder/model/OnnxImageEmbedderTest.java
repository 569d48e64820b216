package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.image.ImageRejectedException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled model in ONNX Runtime Java reproduces the original TFJS model's features (converter
 * reference run).
 */
class OnnxImageEmbedderTest {
  private static OnnxImageEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = OnnxImageEmbedder.loadDefault();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  static byte[] golden(String name) {
    return GoldenReference.MOBILENET_V2.bytes(name);
  }

  @Test
  void matchesTheTfjsReferenceWithin1e4Cosine() throws Exception {
    for (String image : List.of("input-224", "input2-224", "input3-224")) {
      float[] java = embedder.embed(golden(image + ".png"));
      float[] tfjs = GoldenReference.MOBILENET_V2.reference(image);
      assertThat(java).hasSize(576);
      assertThat(1 - Vectors.cosine(java, tfjs)).as(image).isLessThan(1e-4);
    }
  }

  @Test
  void outputIsUnitLengthAndTaggedWithTheModelVersion() throws Exception {
    float[] v = embedder.embed(golden("input-224.png"));
    assertThat(Vectors.cosine(v, v)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    assertThat(embedder.modelId()).isEqualTo("nsfwjs-mobilenetv2-b13@1");
    assertThat(embedder.dimension()).isEqualTo(576);
  }

  @Test
  void similarImagesScoreHigherThanDissimilarOnes() throws Exception {
    List<float[]> v =
        embedder.embedAll(
            List.of(golden("input-224.png"), golden("input2-224.png"), golden("input3-224.png")));
    double orangeApple = Vectors.cosine(v.get(0), v.get(1));
    double orangeBuilding = Vectors.cosine(v.get(0), v.get(2));
    assertThat(orangeApple).isGreaterThan(orangeBuilding + 0.05);
  }

  @Test
  void batchEqualsSingle() throws Exception {
    float[] single = embedder.embed(golden("input3-224.png"));
    float[] batched =
        embedder.embedAll(List.of(golden("input-224.png"), golden("input3-224.png"))).get(1);
    assertThat(Vectors.cosine(single, batched)).isGreaterThan(0.99999);
  }

  @Test
  void aSmallerBatchAfterALargerOneGivesTheSameVectors() throws Exception {
    List<float[]> three =
        embedder.embedAll(
            List.of(golden("input-224.png"), golden("input2-224.png"), golden("input3-224.png")));
    float[] single = embedder.embed(golden("input-224.png")); // reuses the larger tensor memory
    assertThat(Vectors.cosine(single, three.get(0))).isGreaterThan(0.99999);
    List<float[]> again =
        embedder.embedAll(
            List.of(golden("input-224.png"), golden("input2-224.png"), golden("input3-224.png")));
    for (int i = 0; i < 3; i++) {
      assertThat(again.get(i)).isEqualTo(three.get(i));
    }
  }

  @Test
  void resizingAheadGivesTheSameVectors() throws Exception {
    java.awt.image.BufferedImage photo =
        dev.imgsearch.embedder.image.TestImages.noisyScene(1632, 1224, 3);
    java.awt.image.BufferedImage input = embedder.modelInput(photo);
    assertThat(input.getWidth()).isEqualTo(224);
    assertThat(embedder.embedModelInputs(List.of(input)).get(0))
        .isEqualTo(embedder.embedImages(List.of(photo)).get(0));
    assertThatThrownBy(() -> embedder.embedModelInputs(List.of(photo)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void garbageIsRejectedWithAReason() {
    assertThatThrownBy(() -> embedder.embed("this is not an image".getBytes()))
        .isInstanceOf(ImageRejectedException.class)
        .satisfies(
            e ->
                assertThat(((ImageRejectedException) e).reason())
                    .isEqualTo(ImageRejectedException.Reason.UNSUPPORTED_FORMAT));
  }

  @Test
  void exifRotatedCopyEmbedsCloseToTheUprightOriginal() throws Exception {
    for (String image : List.of("input-224", "input3-224")) {
      java.awt.image.BufferedImage upright =
          javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(golden(image + ".png")));
      byte[] uprightJpeg = dev.imgsearch.embedder.image.TestImages.encode(upright, "jpg");
      byte[] storedRotated =
          dev.imgsearch.embedder.image.TestImages.encode(
              dev.imgsearch.embedder.image.TestImages.rotateCcw(upright), "jpg");
      byte[] withExif =
          dev.imgsearch.embedder.image.TestImages.withExifOrientation(storedRotated, 6, false);
      float[] reference = embedder.embed(golden(image + ".png"));
      double tagged = Vectors.cosine(embedder.embed(withExif), reference);
      double ignored = Vectors.cosine(embedder.embed(storedRotated), reference);
      assertThat(tagged)
          .as(image)
          .isGreaterThan(0.97); // JPEG re-encoding of a 224-px image alone costs ~0.015
      assertThat(tagged)
          .as(image)
          .isCloseTo(
              Vectors.cosine(embedder.embed(uprightJpeg), reference),
              org.assertj.core.api.Assertions.within(0.005));
      if (image.equals(
          "input3-224")) { // a building is not rotation-invariant (the orange nearly is)
        assertThat(1 - tagged)
            .as(image + ": EXIF applied beats EXIF ignored")
            .isLessThan((1 - ignored) / 2);
      }
    }
  }
}
