package dev.imgsearch.query.it;

import java.util.List;

/**
 * Hostile filter values for the store ITs (the same families as the unit tests' InjectionPayloads).
 */
final class Payloads {

  static final List<String> ALL =
      List.of(
          "cam-a\" || id != \"",
          "cam-a\" or true or \"",
          "cam-a' || '1' == '1",
          "\") or (source like \"%",
          "x\" in [\"a\"] or source != \"",
          "cam-a\\\" or 1==1",
          "cam-a\\",
          "source != \"\"",
          "captured_at >= 0",
          "not (source in [])",
          "json_contains(tags, \"x\")",
          "%",
          "*",
          "' OR '1'='1' --",
          "source:* OR *:*",
          "${jndi:ldap://127.0.0.1/a}",
          "cam-a\u0000",
          "cam-a\nsource",
          "\t",
          "\u202Ecam-a",
          "a".repeat(5_000));

  private Payloads() {}
}
