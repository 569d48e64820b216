package dev.imgsearch.indexer.store;

import java.util.Objects;

/**
 * Scene-change gating: the row is a frame whose content had not changed enough since an earlier
 * frame of its source, so it carries that frame's vector. A hit shows the span of its scene: {@code
 * startMillis} … its own capture time.
 *
 * @param representativeId image id of the frame that went through the model
 * @param startMillis the representative's capture time (epoch millis): when the scene started
 */
public record SceneRef(String representativeId, long startMillis) {
  public SceneRef {
    Objects.requireNonNull(representativeId, "representativeId");
  }

  /**
   * The scene of a row from its nullable stored fields: null unless the representative's id is
   * there.
   */
  public static SceneRef of(String representativeId, Long startMillis) {
    return representativeId == null || representativeId.isEmpty()
        ? null
        : new SceneRef(representativeId, startMillis == null ? 0L : startMillis);
  }
}
