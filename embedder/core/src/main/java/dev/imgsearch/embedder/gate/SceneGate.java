package dev.imgsearch.embedder.gate;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Decides whether a frame of a source is a new scene (it goes through the model and becomes the
 * source's representative) or shows the scene the source's last embedded frame showed (it is
 * indexed with that frame's vector). A frame is a new scene when it differs from the representative
 * by more than {@code maxPhashDistance} pHash bits or {@code maxMeanDiff} mean grey levels of the
 * 32×32 thumbnail, when the scene is older than {@code maxSceneAge} or has {@code maxSceneFrames}
 * frames already (so drift cannot accumulate), when the source has no scene yet or the scene's
 * vector comes from another model. Frames without a source are never gated. Pure.
 */
public final class SceneGate implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * @param enabled false: every frame is embedded
   * @param maxPhashDistance pHash Hamming distance (0…64) to the representative above which the
   *     frame is a new scene
   * @param maxMeanDiff mean absolute difference (0…255) of the 32×32 grey thumbnails above which it
   *     is a new scene
   * @param maxSceneAge a frame captured this long after the scene's start is embedded again
   * @param maxSceneFrames a scene with this many frames is started again by the next frame
   */
  public record Settings(
      boolean enabled,
      int maxPhashDistance,
      double maxMeanDiff,
      Duration maxSceneAge,
      int maxSceneFrames)
      implements Serializable {
    /** Chosen on the frames of opencv-doc's vtest.avi (embedder README, "Scene-change gating"). */
    public static final Settings DEFAULT = new Settings(true, 10, 2.5, Duration.ofSeconds(10), 250);

    /** Every frame embedded. */
    public static final Settings OFF = new Settings(false, 0, 0, Duration.ZERO, 1);

    public Settings {
      Objects.requireNonNull(maxSceneAge, "gate.max-scene-age");
      if (maxPhashDistance < 0 || maxPhashDistance > 64) {
        throw new IllegalArgumentException(
            "gate.max-phash-distance must be in 0..64: " + maxPhashDistance);
      }
      if (!(maxMeanDiff >= 0 && maxMeanDiff <= 255)) {
        throw new IllegalArgumentException("gate.max-mean-diff must be in 0..255: " + maxMeanDiff);
      }
      if (maxSceneAge.isNegative()) {
        throw new IllegalArgumentException("gate.max-scene-age must be ≥ 0: " + maxSceneAge);
      }
      if (maxSceneFrames < 1) {
        throw new IllegalArgumentException("gate.max-scene-frames must be ≥ 1: " + maxSceneFrames);
      }
    }
  }

  /** What happens to a frame. */
  public enum Decision {
    /** Embedded; becomes the source's representative. */
    NEW_SCENE,
    /** Not embedded: indexed with the representative's vector. */
    SAME_SCENE,
    /**
     * Captured long before the scene started (replayed), or before it and showing something else:
     * embedded on its own, the scene stays.
     */
    EMBED_ALONE
  }

  private final Settings settings;

  public SceneGate(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  /** Whether frames of this source are gated at all (gating on, and the frame names a source). */
  public boolean gates(String source) {
    return settings.enabled() && source != null && !source.isEmpty();
  }

  /**
   * The decision for a frame of a gated source.
   *
   * @param scene the source's current scene, or null
   * @param model {@code id@version} of the model in use
   */
  public Decision decide(Scene scene, FrameSignature frame, long capturedAtMillis, String model) {
    // a scene's vector may still be on its way (its representative is in the same micro-batch)
    if (!settings.enabled() || scene == null || !Objects.equals(model, scene.model)) {
      return Decision.NEW_SCENE;
    }
    if (capturedAtMillis < scene.startMillis) {
      // frames of one source arrive out of capture order when they travel on several partitions:
      // a slightly older frame showing the same picture belongs to the scene; it never replaces it
      return scene.startMillis - capturedAtMillis < settings.maxSceneAge().toMillis()
              && scene.frames < settings.maxSceneFrames()
              && similar(frame, scene)
          ? Decision.SAME_SCENE
          : Decision.EMBED_ALONE;
    }
    if (capturedAtMillis - scene.startMillis >= settings.maxSceneAge().toMillis()
        || scene.frames >= settings.maxSceneFrames()) {
      return Decision.NEW_SCENE;
    }
    return similar(frame, scene) ? Decision.SAME_SCENE : Decision.NEW_SCENE;
  }

  private boolean similar(FrameSignature frame, Scene scene) {
    FrameSignature representative = scene.signature();
    return frame.phashDistance(representative) <= settings.maxPhashDistance()
        && frame.meanDiff(representative) <= settings.maxMeanDiff();
  }
}
