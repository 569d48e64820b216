package dev.imgsearch.query;

import java.util.List;
import java.util.stream.Stream;

/**
 * Hostile filter values, shared by the unit tests, the HTTP tests and the store ITs of every filter
 * parameter.
 */
public final class InjectionPayloads {

  /** The payloads around the unit tests' source {@code cam-1}, and a few more families. */
  static final List<String> STRINGS =
      Stream.concat(
              around("cam-1", 10_000).stream(),
              Stream.of(
                  "[\"cam-1\",\"cam-2\"]",
                  // SQL / JSON / markup
                  "1; DROP TABLE images",
                  "{\"$ne\":null}",
                  "<script>alert(1)</script>",
                  "cam\r\n1"))
          .toList();

  private InjectionPayloads() {}

  /**
   * Payloads built around a real source name {@code source}, so that one that got through would
   * widen the filter to real rows; the last is {@code longLength} characters.
   */
  public static List<String> around(String source, int longLength) {
    return List.of(
        // Milvus boolean expressions: close the string literal and widen the filter
        source + "\" || id != \"",
        source + "\" or true or \"",
        source + "' || '1' == '1",
        "\") or (source like \"%",
        "x\" in [\"a\"] or source != \"",
        source + "\\\" or 1==1",
        source + "\\",
        "source != \"\"",
        "captured_at >= 0",
        "not (source in [])",
        "json_contains(tags, \"x\")",
        "%",
        "*",
        // SQL / Lucene / templating
        "' OR '1'='1' --",
        "source:* OR *:*",
        "${jndi:ldap://127.0.0.1/a}",
        // control characters and line breaks
        source + "\u0000",
        source + "\nsource",
        "\t",
        "\u202E" + source,
        // absurd length
        "a".repeat(longLength));
  }
}
