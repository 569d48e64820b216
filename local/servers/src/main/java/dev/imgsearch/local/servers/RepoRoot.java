package dev.imgsearch.local.servers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository checkout the local servers are launched from (where {@code .tools/} and
 * build outputs live).
 */
final class RepoRoot {
  /** System property that names the repository root (the build sets it for integration tests). */
  static final String PROPERTY = "imgsearch.repo.root";

  private RepoRoot() {}

  /**
   * The value of {@link #PROPERTY}, else the nearest directory at or above the working directory
   * holding {@code mvnw}.
   *
   * @param alternative the property a caller can set instead, named in the error message
   */
  static Path locate(String alternative) {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (no mvnw at or above "
            + Path.of("").toAbsolutePath()
            + "); set -D"
            + PROPERTY
            + " or -D"
            + alternative);
  }
}
