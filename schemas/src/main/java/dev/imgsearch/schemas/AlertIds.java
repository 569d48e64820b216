package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Deterministic alert ids: the first 128 bits of SHA-256 over {@code watchId + '\n' + imageId}
 * (plus {@code '\n' + objectIndex} for an object or face), as 32 lower-case hex characters. The
 * same match always gets the same id, so a replay after a failure re-sends an alert consumers
 * already have, never a new one.
 */
public final class AlertIds {
  private AlertIds() {}

  /** The id of a whole-image match (frames, near-duplicates). */
  public static String of(String watchId, String imageId) {
    return hash(require(watchId, "watchId") + "\n" + require(imageId, "imageId"));
  }

  /** The id of a match of the {@code objectIndex}-th object or face of an image. */
  public static String of(String watchId, String imageId, int objectIndex) {
    if (objectIndex < 0) {
      throw new IllegalArgumentException("objectIndex must be ≥ 0: " + objectIndex);
    }
    return hash(
        require(watchId, "watchId") + "\n" + require(imageId, "imageId") + "\n" + objectIndex);
  }

  private static String require(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.isEmpty() || s.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(name + " must be non-empty and single-line");
    }
    return s;
  }

  private static String hash(String input) {
    return Sha256.hex128(input.getBytes(StandardCharsets.UTF_8));
  }
}
