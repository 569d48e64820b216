package dev.imgsearch.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How the command line reports mistakes: a usage error (unknown flag, missing or extra argument, a
 * value picocli cannot convert, or an {@link IllegalArgumentException} thrown while a command
 * checks its values) prints one line {@code imgsearch <cmd>: <message>} and the command's usage to
 * stderr and exits {@value #USAGE}; any other failure prints {@code imgsearch <cmd>: <message>} and
 * exits {@value #FAILURE}. Never a stack trace (set {@value #DEBUG_ENV}=1 to get one).
 */
final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
  /** Exit code of a usage error (picocli's and the shell's convention). */
  static final int USAGE = 2;

  /**
   * Exit code of a failure that is not the caller's usage (a server down, an upload refused, ...).
   */
  static final int FAILURE = 1;

  /** Environment variable: when set, failures also print their stack trace. */
  static final String DEBUG_ENV = "IMGSEARCH_DEBUG";

  /** Installs the handlers on {@code cli} and every subcommand it has now. */
  static CommandLine install(CommandLine cli) {
    CliErrors handler = new CliErrors();
    cli.setParameterExceptionHandler(handler);
    cli.setExecutionExceptionHandler(handler);
    return cli;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    return usage(ex.getCommandLine(), ex.getMessage());
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    if (ex instanceof IllegalArgumentException) {
      return usage(cmd, ex.getMessage());
    }
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + describe(ex));
    if (System.getenv(DEBUG_ENV) != null) {
      ex.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  private static int usage(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + firstLine(message));
    cmd.usage(err, CommandLine.Help.Ansi.OFF);
    err.flush();
    return USAGE;
  }

  /** {@code imgsearch search: } for a subcommand, {@code imgsearch: } for the top level. */
  static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }

  /** The message of a failure and of its causes, without class names where there is a message. */
  static String describe(Throwable ex) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = ex; t != null && out.length() < 2000; t = t.getCause()) {
      String m = t.getMessage();
      if (m == null || m.isBlank()) {
        m = t.getClass().getSimpleName();
      }
      if (out.indexOf(m) >= 0) {
        continue; // wrappers repeat their cause's message
      }
      if (out.length() > 0) {
        out.append(": ");
      }
      out.append(m);
    }
    return out.toString();
  }

  /**
   * The first line of a message, without the exception class names picocli appends to a failed
   * conversion ({@code ... (java.time.format.DateTimeParseException: Text 'x' could not be parsed
   * ...)} → {@code ... (Text 'x' could not be parsed ...)}).
   */
  static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "invalid arguments";
    }
    int nl = message.indexOf('\n');
    String line = (nl < 0 ? message : message.substring(0, nl)).strip();
    return EXCEPTION_NAME.matcher(line).replaceAll("(");
  }

  private static final java.util.regex.Pattern EXCEPTION_NAME =
      java.util.regex.Pattern.compile("\\((?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
}
