package dev.imgsearch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code imgsearch} — the command line of the streaming image search system. */
@Command(
    name = "imgsearch",
    mixinStandardHelpOptions = true,
    version = "imgsearch 0.1.0",
    description = "Streaming image indexing and similarity search.",
    subcommands = {
      LocalCommand.class,
      BenchCommand.class,
      IngestCommand.class,
      SearchCommand.class,
      WatchCommand.class,
      AlertsCommand.class,
      DeleteCommand.class,
      IngestStreamCommand.class,
      ReindexCommand.class,
      PlanCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its error handling ({@link CliErrors}): usage errors exit 2 with one line
   * and the usage.
   */
  static CommandLine commandLine() {
    return CliErrors.install(new CommandLine(new Main()));
  }
}
