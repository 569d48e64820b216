package dev.imgsearch.query.server;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Typed values of {@code --name value} options (flags over environment, see {@link QueryServerSettings#fromEnv}); a
 * value that does not parse fails with the option's name.
 */
final class OptionValues {

  private OptionValues() {}

  static String required(Map<String, String> m, String name) {
    String v = m.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "missing required option --" + name + " (or env " + QueryServerSettings.envName(name) + ")");
    }
    return v;
  }

  static int intOption(Map<String, String> m, String name, int dflt) {
    try {
      return Integer.parseInt(m.getOrDefault(name, Integer.toString(dflt)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer", e);
    }
  }

  /** Runs a validation, prefixing its message with the option's name. */
  static void named(String option, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + option + ": " + e.getMessage(), e);
    }
  }

  static long longOption(Map<String, String> m, String name, long dflt) {
    try {
      return Long.parseLong(m.getOrDefault(name, Long.toString(dflt)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer", e);
    }
  }

  static boolean booleanOption(Map<String, String> m, String name) {
    String v = m.getOrDefault(name, "false").trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("--" + name + " must be true or false, got " + v);
    };
  }

  static Duration duration(Map<String, String> m, String name, String dflt) {
    try {
      return Duration.parse(m.getOrDefault(name, dflt));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--" + name + " must be an ISO-8601 duration such as PT2S", e);
    }
  }
}
