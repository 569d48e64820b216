package dev.imgsearch.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the query API ({@code search}, {@code watch add|list|rm}, {@code
 * alerts}): the {@link ApiOptions} and the command's output.
 */
abstract class ApiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;

  /** Prints {@code text} to the command's output, flushed; returns exit code 0. */
  int print(String text) {
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
