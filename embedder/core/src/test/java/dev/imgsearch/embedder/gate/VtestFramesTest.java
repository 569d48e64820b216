package dev.imgsearch.embedder.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.SceneGate.Decision;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default thresholds on real fixed-camera footage (six consecutive frames of opencv-doc's
 * vtest.avi, see {@code src/test/resources/vtest/README.md}): pedestrians walking far away are the
 * same scene; a person entering close to the camera (from frame 504 on) is a new one.
 */
class VtestFramesTest {
  static FrameSignature frame(int n) throws Exception {
    try (InputStream in =
        VtestFramesTest.class.getResourceAsStream(String.format("/vtest/%04d.jpg", n))) {
      return FrameSignature.of(new ImageDecoder(DecodeLimits.DEFAULT).decode(in.readAllBytes()));
    }
  }

  @Test
  void walkingPedestriansAreGatedAndAPersonEnteringIsEmbedded() throws Exception {
    SceneGate gate = new SceneGate(SceneGate.Settings.DEFAULT);
    List<Decision> decisions = new ArrayList<>();
    Scene scene = null;
    for (int n = 501; n <= 506; n++) {
      FrameSignature f = frame(n);
      long capturedAt = n * 100L; // 10 fps
      Decision d = gate.decide(scene, f, capturedAt, "m@1");
      decisions.add(d);
      if (d == Decision.NEW_SCENE) {
        scene = Scene.startedBy("f" + n, f, new float[] {1}, "m@1", capturedAt);
      } else {
        scene.extendTo(capturedAt);
      }
    }
    assertThat(decisions)
        .containsExactly(
            Decision.NEW_SCENE, // 501: first frame of the source
            Decision.SAME_SCENE, // 502, 503: pedestrians walking on the path
            Decision.SAME_SCENE,
            Decision.NEW_SCENE, // 504: a person appears at the bottom right edge
            Decision
                .SAME_SCENE, // 505, 506: they step in, compared with 504 which shows them already
            Decision.SAME_SCENE);
    assertThat(scene.representativeId).isEqualTo("f504");
    assertThat(scene.frames).isEqualTo(3);
    assertThat(scene.startMillis).isEqualTo(50_400);
    assertThat(scene.lastMillis).isEqualTo(50_600);
  }

  @Test
  void framesWithThePersonDifferFromEveryFrameBeforeThem() throws Exception {
    SceneGate gate = new SceneGate(SceneGate.Settings.DEFAULT);
    FrameSignature entered = frame(506);
    for (int n = 501; n <= 503; n++) {
      Scene s = Scene.startedBy("f" + n, frame(n), new float[] {1}, "m@1", 0);
      assertThat(gate.decide(s, entered, 100, "m@1"))
          .as("506 against %d", n)
          .isEqualTo(Decision.NEW_SCENE);
    }
  }
}
