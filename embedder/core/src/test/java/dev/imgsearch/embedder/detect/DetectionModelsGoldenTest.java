package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.embedder.model.Vectors;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled detection models in ONNX Runtime Java reproduce the original TFJS graph models' raw
 * outputs on the golden inputs, and the Java CenterNet decoding reproduces the graph's own decoded
 * detections.
 */
class DetectionModelsGoldenTest extends WithBundledDetectors {
  @Test
  void centerNetHeadsMatchTfjs() {
    for (String name : List.of("centernet-512", "centernet2-512")) {
      GoldenOutputs ref = GoldenOutputs.of(name);
      Map<String, float[]> out = objects.raw(ImageTensors.nhwc(GoldenOutputs.image(name), 1f, 0f));
      assertThat(ref.assertMatches("tower_0/keypoints", out.get("tower_0_keypoints"), 1e-4))
          .isGreaterThan(2000);
      // box distances are in input pixels (up to ~300): float32 rounding through 60 layers gives
      // ~1.5e-3
      assertThat(ref.assertMatches("tower_0/wh", out.get("tower_0_wh"), 5e-3)).isGreaterThan(2000);
    }
  }

  @Test
  void centerNetDecodingMatchesTheGraphsOwnDetections() {
    for (String name : List.of("centernet-512", "centernet2-512")) {
      float[] tfjs =
          GoldenOutputs.of(name)
              .values("tower_0/detections"); // 100 x (x0, y0, x1, y1, score, class), pixels
      Map<String, float[]> out = objects.raw(ImageTensors.nhwc(GoldenOutputs.image(name), 1f, 0f));
      List<Detection> decoded =
          CenterNetDecoder.COCO_512.decode(
              out.get("tower_0_keypoints"), out.get("tower_0_wh"), 0.1f, 100, c -> true);
      List<float[]> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        if (tfjs[i * 6 + 4] >= 0.1f + 1e-4f) {
          expected.add(Arrays.copyOfRange(tfjs, i * 6, i * 6 + 6));
        }
      }
      assertThat(expected).as(name + ": reference has detections").hasSizeGreaterThan(3);
      assertThat(decoded.stream().filter(d -> d.score() >= 0.1f + 1e-4f).count())
          .as(name)
          .isEqualTo(expected.size());
      for (float[] e : expected) {
        Box box = Box.clamped(e[0] / 512, e[1] / 512, e[2] / 512, e[3] / 512);
        boolean found =
            decoded.stream()
                .anyMatch(
                    d ->
                        d.classId() == (int) e[5]
                            && Math.abs(d.score() - e[4]) < 1e-4
                            && Math.abs(d.box().x0() - box.x0()) < 1e-4
                            && Math.abs(d.box().y0() - box.y0()) < 1e-4
                            && Math.abs(d.box().x1() - box.x1()) < 1e-4
                            && Math.abs(d.box().y1() - box.y1()) < 1e-4);
        assertThat(found).as(name + ": TFJS detection " + Arrays.toString(e)).isTrue();
      }
    }
  }

  @Test
  void blazeFaceMatchesTfjs() {
    for (String name : List.of("blazeface-256", "blazeface2-256")) {
      GoldenOutputs ref = GoldenOutputs.of(name);
      Map<String, float[]> out = faces.raw(GoldenOutputs.image(name));
      // logits reach |800| on the background, regressors |140|: relative float32 rounding
      ref.assertMatches("Identity", out.get("Identity"), 2e-3);
      ref.assertMatches("Identity_1", out.get("Identity_1"), 2e-3);
      ref.assertMatches("Identity_2", out.get("Identity_2"), 2e-3);
      ref.assertMatches("Identity_3", out.get("Identity_3"), 2e-3);
    }
  }

  @Test
  void faceResDescriptorMatchesTfjs() {
    BufferedImage crop = GoldenOutputs.image("faceres-224");
    GoldenOutputs ref = GoldenOutputs.of("faceres-224");
    float[] tfjs = ref.values("global_pooling/Mean");
    float[] java = describer.describeCrops(List.of(crop)).get(0);
    assertThat(1 - Vectors.cosine(java, Vectors.l2Normalize(tfjs))).isLessThan(1e-6);
    double norm = 0;
    for (float v : java) {
      norm += v * v;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
  }
}
