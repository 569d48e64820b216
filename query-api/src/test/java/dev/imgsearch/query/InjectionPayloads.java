package dev.imgsearch.query;

import java.util.List;

/** Hostile filter values, shared by the unit tests and the HTTP tests of every filter parameter. */
final class InjectionPayloads {

  static final List<String> STRINGS =
      List.of(
          // Milvus boolean expressions: close the string literal and widen the filter
          "cam-1\" || id != \"",
          "cam-1\" or true or \"",
          "cam-1' || '1' == '1",
          "\") or (source like \"%",
          "x\" in [\"a\"] or source != \"",
          "cam-1\\\" or 1==1",
          "cam-1\\",
          "[\"cam-1\",\"cam-2\"]",
          "source != \"\"",
          "captured_at >= 0",
          "not (source in [])",
          "json_contains(tags, \"x\")",
          "%",
          "*",
          // SQL / Lucene / JSON / templating
          "' OR '1'='1' --",
          "1; DROP TABLE images",
          "source:* OR *:*",
          "{\"$ne\":null}",
          "${jndi:ldap://127.0.0.1/a}",
          "<script>alert(1)</script>",
          // control characters and line breaks
          "cam-1\u0000",
          "cam-1\nsource",
          "cam\r\n1",
          "\t",
          "\u202Ecam-1",
          // absurd length
          "a".repeat(10_000));

  private InjectionPayloads() {}
}
