package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The golden inputs under {@code /golden-detect} and the original TFJS models' outputs for them
 * ({@code tools/human-converter}'s reference run): per output the full values when small, else
 * every k-th value and the 200 largest with their flat indices.
 */
final class GoldenOutputs {
  private final JsonNode outputs;

  private GoldenOutputs(JsonNode outputs) {
    this.outputs = outputs;
  }

  static BufferedImage image(String name) {
    try (InputStream in = open(name + ".png")) {
      return ImageIO.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GoldenOutputs of(String name) {
    try (InputStream in = open(name + ".reference.json")) {
      return new GoldenOutputs(new ObjectMapper().readTree(in).get("outputs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String file) {
    InputStream in = GoldenOutputs.class.getResourceAsStream("/golden-detect/" + file);
    if (in == null) {
      throw new IllegalArgumentException("no test resource /golden-detect/" + file);
    }
    return in;
  }

  JsonNode output(String node) {
    JsonNode o = outputs.get(node);
    if (o == null) {
      throw new IllegalArgumentException("no reference output " + node);
    }
    return o;
  }

  float[] values(String node) {
    JsonNode v = output(node).get("values");
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  /**
   * Asserts {@code actual} (the whole flattened output) matches the reference within {@code
   * tolerance}; returns the count of values compared.
   */
  int assertMatches(String node, float[] actual, double tolerance) {
    JsonNode o = output(node);
    long expectedSize = 1;
    for (JsonNode d : o.get("shape")) {
      expectedSize *= d.asLong();
    }
    assertThat((long) actual.length).as(node + " size").isEqualTo(expectedSize);
    int compared = 0;
    if (o.has("values")) {
      JsonNode v = o.get("values");
      for (int i = 0; i < v.size(); i++, compared++) {
        assertThat((double) actual[i])
            .as(node + "[" + i + "]")
            .isCloseTo(v.get(i).asDouble(), within(tolerance));
      }
      return compared;
    }
    int stride = o.get("stride").asInt();
    JsonNode sampled = o.get("sampled");
    for (int k = 0; k < sampled.size(); k++, compared++) {
      assertThat((double) actual[k * stride])
          .as(node + "[" + k * stride + "]")
          .isCloseTo(sampled.get(k).asDouble(), within(tolerance));
    }
    JsonNode idx = o.get("topIndices");
    JsonNode top = o.get("topValues");
    for (int k = 0; k < idx.size(); k++, compared++) {
      int i = idx.get(k).asInt();
      assertThat((double) actual[i])
          .as(node + " top[" + i + "]")
          .isCloseTo(top.get(k).asDouble(), within(tolerance));
    }
    return compared;
  }
}
