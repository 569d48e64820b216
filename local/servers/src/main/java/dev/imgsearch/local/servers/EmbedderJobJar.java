package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The embedder's shaded job jar ({@code embedder/job/target/imgsearch-embedder-<version>-job.jar},
 * what the k8s image ships under {@code /opt/flink/usrlib}), submitted to a {@link FlinkCluster}
 * through {@link FlinkRest}: the path in system property {@value #PROPERTY} if set, else the one
 * under the repository root (system property {@code imgsearch.repo.root}, else the nearest
 * directory at or above the working directory holding {@code mvnw}).
 */
public final class EmbedderJobJar {
  public static final String PROPERTY = "imgsearch.embedder.jar";
  public static final String TARGET_DIR = "embedder/job/target";
  public static final String BUILD_COMMAND = "./mvnw -B -pl embedder/job -am package -DskipTests";

  /** The job's main class, the {@code entryClass} of a run. */
  public static final String ENTRY_CLASS = "dev.imgsearch.embedder.job.EmbedderJob";

  private EmbedderJobJar() {}

  /**
   * The jar, located as the class comment says.
   *
   * @throws IllegalStateException naming the build command when there is no such jar
   */
  public static Path locate() {
    String explicit = System.getProperty(PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      Path jar = Path.of(explicit);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("-D" + PROPERTY + " names no file: " + jar);
      }
      return jar;
    }
    Path target = RepoRoot.locate(PROPERTY).resolve(TARGET_DIR);
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        var jar = files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + target, e);
      }
    }
    throw new IllegalStateException(
        "no shaded job jar in " + target + "; build it with: " + BUILD_COMMAND);
  }
}
