package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldLimitsTest {
  @Test
  void fieldsWithinTheLimitsPass() {
    assertThat(FieldLimits.violation("b", "k".repeat(1024), "cam", Collections.nCopies(32, "t")))
        .isNull();
    assertThat(FieldLimits.violation("b", "k", null, null)).isNull();
  }

  @Test
  void eachLimitIsNamedInTheViolation() {
    assertThat(FieldLimits.violation("b", "k".repeat(1025), null, List.of()))
        .contains("key of 1025");
    // 342 × 3 bytes = 1026 bytes although only 342 characters
    assertThat(FieldLimits.violation("b", "k", "€".repeat(342), List.of()))
        .contains("source of 1026 UTF-8 bytes");
    assertThat(FieldLimits.violation("b", "k", "cam", Collections.nCopies(33, "t")))
        .contains("33 tags, at most 32");
    assertThat(FieldLimits.violation("b", "k", "cam", List.of("ok", "x".repeat(2000))))
        .contains("tag of 2000");
    assertThat(FieldLimits.violation(null, "k", "cam", List.of())).contains("bucket is missing");
  }

  @Test
  void utf8LengthMatchesTheEncoder() {
    for (String s : List.of("", "abc", "é", "€", "😀", "a😀b€é", "\ud800x", "x\udc00")) {
      assertThat(FieldLimits.utf8Length(s))
          .as(s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void truncationKeepsCharactersWholeAndMarksTheCut() {
    assertThat(FieldLimits.truncateUtf8("short", 10)).isEqualTo("short");
    String cut = FieldLimits.truncateUtf8("😀".repeat(10), 10);
    assertThat(cut).isEqualTo("😀…");
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(10);
    assertThat(FieldLimits.idViolation("x".repeat(65))).contains("65 bytes");
    assertThat(FieldLimits.idViolation("abc")).isNull();
  }
}
