package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.image.DecodeLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled InceptionV3 (mixed7) in ONNX Runtime Java reproduces the original TFJS model's features. */
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

  static byte[] golden(String name) throws IOException {
    try (InputStream in = InceptionV3ModelTest.class.getResourceAsStream("/golden-299/" + name)) {
      return in.readAllBytes();
    }
  }

  static float[] reference(String name) throws IOException {
    JsonNode features = new ObjectMapper().readTree(golden(name)).get("features");
    float[] v = new float[features.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) features.get(i).asDouble();
    }
    return v;
  }

  @Test
  void matchesTheTfjsReferenceWithin1e4Cosine() throws Exception {
    List<String> images = List.of("input-299", "input2-299", "input3-299");
    List<float[]> java = embedder.embedAll(images.stream().map(i -> {
      try {
        return golden(i + ".png");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList());
    for (int i = 0; i < images.size(); i++) {
      float[] tfjs = Vectors.l2Normalize(reference(images.get(i) + ".reference.json"));
      assertThat(java.get(i)).hasSize(768);
      assertThat(1 - Vectors.cosine(java.get(i), tfjs)).as(images.get(i)).isLessThan(1e-4);
    }
    assertThat(Vectors.cosine(java.get(0), java.get(1))).isGreaterThan(Vectors.cosine(java.get(0), java.get(2)) + 0.05);
  }

  @Test
  void descriptorTagsEveryVector() {
    assertThat(embedder.modelId()).isEqualTo(MODEL + "@1");
    assertThat(embedder.dimension()).isEqualTo(768);
    assertThat(embedder.descriptor().width()).isEqualTo(299);
  }
}
