package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.image.DecodeLimits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled InceptionV3 (mixed7) in ONNX Runtime Java reproduces the original TFJS model's
 * features.
 */
class InceptionV3ModelTest {
  static final String MODEL = "nsfwjs-inceptionv3-mixed7";
  private static OnnxImageEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = OnnxImageEmbedder.fromClasspath(MODEL, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void matchesTheTfjsReferenceWithin1e4Cosine() throws Exception {
    List<String> images = List.of("input-299", "input2-299", "input3-299");
    List<float[]> java =
        embedder.embedAll(
            images.stream().map(i -> GoldenReference.INCEPTION_V3.bytes(i + ".png")).toList());
    for (int i = 0; i < images.size(); i++) {
      float[] tfjs = GoldenReference.INCEPTION_V3.reference(images.get(i));
      assertThat(java.get(i)).hasSize(768);
      assertThat(1 - Vectors.cosine(java.get(i), tfjs)).as(images.get(i)).isLessThan(1e-4);
    }
    assertThat(Vectors.cosine(java.get(0), java.get(1)))
        .isGreaterThan(Vectors.cosine(java.get(0), java.get(2)) + 0.05);
  }

  @Test
  void descriptorTagsEveryVector() {
    assertThat(embedder.modelId()).isEqualTo(MODEL + "@1");
    assertThat(embedder.dimension()).isEqualTo(768);
    assertThat(embedder.descriptor().width()).isEqualTo(299);
  }
}
