package dev.imgsearch.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code imgsearch} in a child JVM with this test's classpath, for the ITs that
 * stop the CLI from outside (SIGTERM, SIGKILL).
 */
final class CliJvm {
  private CliJvm() {}

  /** The repository root: system property {@code imgsearch.repo.root}, else {@code ../..}. */
  static Path repoRoot() {
    return Path.of(System.getProperty("imgsearch.repo.root", "../.."));
  }

  /** libjpeg-turbo when scripts/deps/turbojpeg.sh installed it under the repository root. */
  static Optional<Path> turboJpeg() {
    Path lib = repoRoot().resolve(".tools/turbojpeg/lib/libturbojpeg.so.0");
    return Files.isRegularFile(lib) ? Optional.of(lib) : Optional.empty();
  }

  /**
   * {@code java [--add-opens of this JVM] -Xmx1g -Dimgsearch.repo.root=ROOT JVM_OPTIONS -cp
   * CLASSPATH dev.imgsearch.cli.Main ARGS}.
   */
  static List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens"))
        .forEach(cmd::add);
    cmd.add("-Xmx1g");
    cmd.add("-Dimgsearch.repo.root=" + repoRoot());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    return cmd;
  }
}
