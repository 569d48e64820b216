package dev.imgsearch.embedder.detect;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What to detect inside each frame, from a setting such as {@code none}, {@code objects} or {@code
 * objects,faces} (order and spaces free, case-insensitive).
 */
public record DetectMode(boolean objects, boolean faces) {
  public static final DetectMode NONE = new DetectMode(false, false);

  public static DetectMode parse(String setting) {
    if (setting == null || setting.isBlank()) {
      throw new IllegalArgumentException(
          "detect must be one of: none, objects, faces, objects,faces");
    }
    Set<String> parts = new LinkedHashSet<>();
    for (String p : setting.toLowerCase(Locale.ROOT).split(",", -1)) {
      String part = p.trim();
      if (!Set.of("none", "objects", "faces").contains(part)) {
        throw new IllegalArgumentException(
            "detect: unknown part '"
                + p.trim()
                + "' in '"
                + setting
                + "' (use none, objects, faces or objects,faces)");
      }
      if (!parts.add(part)) {
        throw new IllegalArgumentException(
            "detect: '" + part + "' given twice in '" + setting + "'");
      }
    }
    if (parts.contains("none") && parts.size() > 1) {
      throw new IllegalArgumentException(
          "detect: 'none' cannot be combined with other parts in '" + setting + "'");
    }
    return new DetectMode(parts.contains("objects"), parts.contains("faces"));
  }

  public boolean any() {
    return objects || faces;
  }

  @Override
  public String toString() {
    return !any() ? "none" : objects && faces ? "objects,faces" : objects ? "objects" : "faces";
  }
}
