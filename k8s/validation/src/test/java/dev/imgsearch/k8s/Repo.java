package dev.imgsearch.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locations in the repository and in its tool directory (.tools, filled by scripts/test-deps.sh).
 */
final class Repo {
  private Repo() {}

  static final Path ROOT = findRoot();

  static Path k8s() {
    return ROOT.resolve("k8s");
  }

  static Path tool(String relative) {
    Path p = ROOT.resolve(".tools").resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException(
          p + " is missing: run scripts/test-deps.sh (or bash scripts/deps/kustomize.sh) first");
    }
    return p;
  }

  static String read(String relative) {
    return read(ROOT.resolve(relative));
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("k8s"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no repository root (mvnw + k8s/) above " + Path.of("").toAbsolutePath());
  }
}
