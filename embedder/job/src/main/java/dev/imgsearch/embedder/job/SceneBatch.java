package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.FrameSignature;
import dev.imgsearch.embedder.gate.Scene;
import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.gate.Scenes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scene-change gating of one micro-batch, decided frame by frame in arrival order: a frame of a
 * gated source is either a new scene (it goes through the model, and the scene's vector is filled
 * in once the batch's model call returned) or belongs to the source's current scene, which may have
 * started earlier in the same batch. {@link #commit} stores the newest scene of each source whose
 * representative got a vector. Pure apart from {@link Scenes}.
 */
final class SceneBatch {
  /**
   * What happens to one frame: {@code scene} is the scene it starts (NEW_SCENE) or belongs to
   * (SAME_SCENE).
   */
  record Plan(SceneGate.Decision decision, Scene scene) {
    boolean reusesVector() {
      return decision == SceneGate.Decision.SAME_SCENE;
    }

    boolean startsScene() {
      return decision == SceneGate.Decision.NEW_SCENE;
    }
  }

  private static final Plan UNGATED = new Plan(SceneGate.Decision.EMBED_ALONE, null);

  private final SceneGate gate;
  private final Scenes scenes;
  private final String model;

  /** Per source: the stored scene (if any), then the scenes started in this batch, oldest first. */
  private final Map<String, List<Scene>> bySource = new LinkedHashMap<>();

  SceneBatch(SceneGate gate, Scenes scenes, String model) {
    this.gate = gate;
    this.scenes = scenes;
    this.model = model;
  }

  /** The decision for the next frame of the batch. */
  Plan decide(String source, FrameSignature signature, long capturedAtMillis, String imageId) {
    if (!gate.gates(source) || signature == null) {
      return UNGATED;
    }
    List<Scene> history =
        bySource.computeIfAbsent(
            source,
            s -> {
              List<Scene> h = new ArrayList<>();
              Scene stored = scenes.get(s);
              if (stored != null) {
                h.add(stored);
              }
              return h;
            });
    Scene current = history.isEmpty() ? null : history.get(history.size() - 1);
    SceneGate.Decision decision = gate.decide(current, signature, capturedAtMillis, model);
    switch (decision) {
      case SAME_SCENE -> {
        current.extendTo(capturedAtMillis);
        return new Plan(decision, current);
      }
      case NEW_SCENE -> {
        Scene started = Scene.startedBy(imageId, signature, null, model, capturedAtMillis);
        history.add(started);
        return new Plan(decision, started);
      }
      default -> {
        return UNGATED;
      }
    }
  }

  /**
   * Stores, per source, the newest scene whose vector is known (a representative the model failed
   * on is skipped).
   */
  void commit() {
    for (Map.Entry<String, List<Scene>> e : bySource.entrySet()) {
      List<Scene> history = e.getValue();
      for (int i = history.size() - 1; i >= 0; i--) {
        if (history.get(i).vector != null) {
          scenes.put(e.getKey(), history.get(i));
          break;
        }
      }
    }
  }
}
