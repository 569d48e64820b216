package dev.imgsearch.cli;

import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --parallelism} of the commands that start the multi-process stack ({@code local}, {@code
 * bench}), and the check of which of the command's options go with {@code --cluster} ({@link
 * ClusterOptions}).
 */
final class ClusterParallelism {
  @Option(
      names = "--parallelism",
      defaultValue = "" + ClusterOptions.DEFAULT_PARALLELISM,
      description =
          "With --cluster: the job's parallelism, 1.."
              + ClusterOptions.MAX_PARALLELISM
              + " (default: ${DEFAULT-VALUE}); the embedded store's sink runs as one subtask, its single writer.")
  int parallelism;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * @throws IllegalArgumentException (a usage error) when the options given on the command line do
   *     not fit {@code cluster}
   */
  void check(boolean cluster) {
    ClusterOptions.check(cluster, givenOptions(), parallelism);
  }

  private Set<String> givenOptions() {
    Set<String> given = new HashSet<>();
    if (command != null && command.commandLine().getParseResult() != null) {
      command
          .commandLine()
          .getParseResult()
          .matchedOptions()
          .forEach(o -> given.add(o.longestName()));
    }
    return given;
  }
}
