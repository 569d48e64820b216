package dev.imgsearch.local.servers;

import static dev.imgsearch.local.servers.MilvusServer.DEFAULT_EXECUTABLE;
import static dev.imgsearch.local.servers.MilvusServer.EXECUTABLE_ENV;
import static dev.imgsearch.local.servers.MilvusServer.EXECUTABLE_PROPERTY;
import static dev.imgsearch.local.servers.MilvusServer.INSTALL_COMMAND;
import static dev.imgsearch.local.servers.MilvusServer.URI_ENV;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the {@code milvus-server} launcher is installed, and the settings that name it or an
 * external server.
 */
final class MilvusInstall {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusInstall.class);

  private MilvusInstall() {}

  /**
   * The launcher: system property {@value MilvusServer#EXECUTABLE_PROPERTY}, else env {@value
   * MilvusServer#EXECUTABLE_ENV}, else {@value MilvusServer#DEFAULT_EXECUTABLE} under the
   * repository root.
   *
   * @throws IllegalStateException when it is not an executable file (the message says how to
   *     install it)
   */
  static Path executable() {
    Path file =
        configured(EXECUTABLE_PROPERTY, EXECUTABLE_ENV)
            .map(Path::of)
            .orElseGet(() -> RepoRoot.locate(EXECUTABLE_PROPERTY).resolve(DEFAULT_EXECUTABLE));
    if (!Files.isExecutable(file)) {
      throw new IllegalStateException(
          "Milvus launcher "
              + file
              + " not found. Install it from the repository root with: "
              + INSTALL_COMMAND
              + " (or set -D"
              + EXECUTABLE_PROPERTY
              + " / "
              + EXECUTABLE_ENV
              + " to a milvus-server executable, or "
              + URI_ENV
              + " to a running server)");
    }
    return file;
  }

  /**
   * The Python interpreter of a {@code milvus-server} console script (its {@code #!} line), to run
   * the launcher through the {@link MilvusLaunchCommand} wrapper; empty when the executable is not
   * such a script (it is then run as is, and ports may move).
   */
  static Optional<Path> launcherPython(Path executable) {
    try (var in = Files.newInputStream(executable)) {
      String first =
          new String(in.readNBytes(512), StandardCharsets.ISO_8859_1)
              .lines()
              .findFirst()
              .orElse("");
      if (first.startsWith("#!") && first.contains("python")) {
        Path interpreter = Path.of(first.substring(2).trim().split("\\s+")[0]);
        if (Files.isExecutable(interpreter)) {
          return Optional.of(interpreter);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the interpreter of {}", executable, e);
    }
    return Optional.empty();
  }

  /** The non-blank value of system property {@code property}, else of env {@code env}, trimmed. */
  static Optional<String> configured(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
