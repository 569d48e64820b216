package dev.imgsearch.embedder.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.gate.SceneGate.Decision;
import dev.imgsearch.embedder.gate.SceneGate.Settings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SceneGateTest {
  static final Settings SETTINGS = new Settings(true, 10, 2.5, Duration.ofSeconds(10), 5);
  final SceneGate gate = new SceneGate(SETTINGS);

  static FrameSignature flat(int grey, long phash) {
    byte[] t = new byte[FrameSignature.CELLS];
    Arrays.fill(t, (byte) grey);
    return new FrameSignature(phash, t);
  }

  static Scene scene(FrameSignature s, long start) {
    return Scene.startedBy("rep", s, new float[] {1, 0}, "m@1", start);
  }

  @Test
  void aSourceWithoutASceneStartsOne() {
    assertThat(gate.decide(null, flat(100, 0), 0, "m@1")).isEqualTo(Decision.NEW_SCENE);
  }

  @Test
  void theSameFrameIsTheSameScene() {
    FrameSignature f = flat(100, 0x0f0f);
    assertThat(gate.decide(scene(f, 1000), f, 1040, "m@1")).isEqualTo(Decision.SAME_SCENE);
  }

  @Test
  void meanDifferenceAboveTheLimitStartsANewScene() {
    Scene s = scene(flat(100, 0), 0);
    // 2 and 3 grey levels everywhere: 2 ≤ 2.5 < 3
    assertThat(gate.decide(s, flat(102, 0), 40, "m@1")).isEqualTo(Decision.SAME_SCENE);
    assertThat(gate.decide(s, flat(103, 0), 40, "m@1")).isEqualTo(Decision.NEW_SCENE);
  }

  @Test
  void aSmallRegionChangingStronglyCountsByItsMean() {
    byte[] t = new byte[FrameSignature.CELLS];
    Arrays.fill(t, (byte) 90);
    Scene s = scene(new FrameSignature(0, t.clone()), 0);
    // a 4×4-cell object (1/64 of the picture) 160 levels brighter: mean difference 2.5 → same scene
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        t[y * 32 + x] = (byte) 250;
      }
    }
    FrameSignature small = new FrameSignature(0, t.clone());
    assertThat(small.meanDiff(s.signature())).isEqualTo(2.5);
    assertThat(gate.decide(s, small, 40, "m@1")).isEqualTo(Decision.SAME_SCENE);
    t[4] = (byte) 250; // one cell more: 2.66
    assertThat(gate.decide(s, new FrameSignature(0, t), 40, "m@1")).isEqualTo(Decision.NEW_SCENE);
  }

  @Test
  void phashDistanceAboveTheLimitStartsANewScene() {
    Scene s = scene(flat(100, 0), 0);
    assertThat(gate.decide(s, flat(100, 0x3ffL), 40, "m@1"))
        .isEqualTo(Decision.SAME_SCENE); // 10 bits
    assertThat(gate.decide(s, flat(100, 0x7ffL), 40, "m@1"))
        .isEqualTo(Decision.NEW_SCENE); // 11 bits
  }

  @Test
  void aSceneIsEmbeddedAgainAfterItsMaximumAgeOrFrameCount() {
    FrameSignature f = flat(100, 0);
    Scene s = scene(f, 1_000);
    assertThat(gate.decide(s, f, 10_999, "m@1")).isEqualTo(Decision.SAME_SCENE);
    assertThat(gate.decide(s, f, 11_000, "m@1")).isEqualTo(Decision.NEW_SCENE);
    for (int i = 0; i < 3; i++) {
      s.extendTo(2_000 + i);
    }
    assertThat(s.frames).isEqualTo(4);
    assertThat(gate.decide(s, f, 3_000, "m@1")).isEqualTo(Decision.SAME_SCENE);
    s.extendTo(3_000);
    assertThat(gate.decide(s, f, 3_001, "m@1")).isEqualTo(Decision.NEW_SCENE);
    assertThat(s.lastMillis).isEqualTo(3_000);
  }

  @Test
  void aSlightlyOlderFrameOfTheSameSceneJoinsItAReplayedOrOtherOneIsEmbeddedAlone() {
    FrameSignature f = flat(100, 0);
    Scene s = scene(f, 15_000);
    // out of order (several partitions): a little older and the same picture → the scene's vector
    assertThat(gate.decide(s, f, 14_999, "m@1")).isEqualTo(Decision.SAME_SCENE);
    assertThat(gate.decide(s, f, 5_001, "m@1")).isEqualTo(Decision.SAME_SCENE);
    // older than a scene may last (replayed), or another picture: embedded alone, never a new scene
    assertThat(gate.decide(s, f, 5_000, "m@1")).isEqualTo(Decision.EMBED_ALONE);
    assertThat(gate.decide(s, flat(200, 0), 14_999, "m@1")).isEqualTo(Decision.EMBED_ALONE);
    assertThat(gate.decide(s, f, 15_001, "m@2")).isEqualTo(Decision.NEW_SCENE);
  }

  @Test
  void aLateFrameDoesNotJoinAFullScene() {
    FrameSignature f = flat(100, 0);
    Scene s = scene(f, 5_000);
    for (int i = 1; i < SETTINGS.maxSceneFrames(); i++) {
      s.extendTo(5_000 + i);
    }
    assertThat(gate.decide(s, f, 4_999, "m@1")).isEqualTo(Decision.EMBED_ALONE);
  }

  @Test
  void framesWithoutASourceAndDisabledGatingAreNeverGated() {
    assertThat(gate.gates("cam-1")).isTrue();
    assertThat(gate.gates(null)).isFalse();
    assertThat(gate.gates("")).isFalse();
    SceneGate off = new SceneGate(Settings.OFF);
    assertThat(off.gates("cam-1")).isFalse();
    FrameSignature f = flat(100, 0);
    assertThat(off.decide(scene(f, 0), f, 1, "m@1")).isEqualTo(Decision.NEW_SCENE);
  }

  @Test
  void settingsOutOfRangeNameTheOption() {
    assertThatThrownBy(() -> new Settings(true, 65, 2, Duration.ZERO, 1))
        .hasMessageContaining("gate.max-phash-distance");
    assertThatThrownBy(() -> new Settings(true, 10, -1, Duration.ZERO, 1))
        .hasMessageContaining("gate.max-mean-diff");
    assertThatThrownBy(() -> new Settings(true, 10, Double.NaN, Duration.ZERO, 1))
        .hasMessageContaining("gate.max-mean-diff");
    assertThatThrownBy(() -> new Settings(true, 10, 2, Duration.ofSeconds(-1), 1))
        .hasMessageContaining("gate.max-scene-age");
    assertThatThrownBy(() -> new Settings(true, 10, 2, Duration.ZERO, 0))
        .hasMessageContaining("gate.max-scene-frames");
  }

  @Test
  void theSignatureOfAnImageIsItsGreyThumbnailAndPhash() {
    BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(200, 200, 200));
    g.fillRect(0, 0, 320, 240);
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, 160, 240); // left half black
    g.dispose();
    FrameSignature s = FrameSignature.of(img);
    assertThat(s.thumbnail()[0] & 0xff).isEqualTo(0);
    assertThat(s.thumbnail()[31] & 0xff).isEqualTo(200);
    assertThat(s.meanDiff(flat(0, 0))).isEqualTo(100.0);
    assertThat(s.changedCells(flat(0, 0), 24)).isEqualTo(512);
    assertThat(s).isEqualTo(FrameSignature.of(img)).isNotEqualTo(flat(0, s.phash()));
    assertThatThrownBy(() -> new FrameSignature(0, new byte[10])).hasMessageContaining("1024");
  }
}
