package dev.imgsearch.embedder.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Golden images and the original TFJS model's features for them ({@code tools/nsfwjs-converter}'s
 * reference run), from a test-resource directory: {@code /golden} (MobileNetV2, 224 px), {@code
 * /golden-299} (InceptionV3).
 */
public record GoldenReference(String directory) {
  public static final GoldenReference MOBILENET_V2 = new GoldenReference("/golden");
  public static final GoldenReference INCEPTION_V3 = new GoldenReference("/golden-299");

  /** The bytes of a golden file, e.g. {@code input-224.png}. */
  public byte[] bytes(String name) {
    try (InputStream in = GoldenReference.class.getResourceAsStream(directory + "/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + directory + "/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The L2-normalised TFJS features in {@code <image>.reference.json}. */
  public float[] reference(String image) {
    try {
      JsonNode features =
          new ObjectMapper().readTree(bytes(image + ".reference.json")).get("features");
      float[] v = new float[features.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) features.get(i).asDouble();
      }
      return Vectors.l2Normalize(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
