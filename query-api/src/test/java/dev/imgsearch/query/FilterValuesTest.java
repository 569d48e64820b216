package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterValuesTest {

  /**
   * Payloads aimed at Milvus boolean expressions, SQL, Lucene syntax, JSON, templating, and control
   * characters.
   */
  static List<String> injectionPayloads() {
    return InjectionPayloads.STRINGS;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cam-1",
        "Kamera Nord 3",
        "yard/gate:2",
        "a.b_c",
        "ops@site",
        "x+y=z",
        "#7",
        "café",
        "東京"
      })
  void acceptsOrdinaryNames(String value) {
    assertThat(FilterValues.validate("source", List.of(value))).containsExactly(value);
  }

  @ParameterizedTest
  @MethodSource("injectionPayloads")
  void rejectsEveryInjectionPayload(String payload) {
    assertThatThrownBy(() -> FilterValues.validate("tags", List.of("ok", payload)))
        .isInstanceOfSatisfying(
            InvalidQueryException.class,
            e -> {
              assertThat(e.code()).isEqualTo(InvalidQueryException.INVALID_PARAMETER);
              assertThat(e.getMessage()).startsWith("tags ");
              assertThat(e.getMessage()).doesNotContain("\u0000", "\n", "\r");
            });
  }

  @Test
  void boundsLengthAndCount() {
    String longest = "a".repeat(FilterValues.MAX_LENGTH);
    assertThat(FilterValues.validate("source", List.of(longest))).containsExactly(longest);
    assertThatThrownBy(() -> FilterValues.validate("source", List.of(longest + "a")))
        .isInstanceOf(InvalidQueryException.class);

    List<String> many =
        new ArrayList<>(
            IntStream.range(0, FilterValues.MAX_VALUES).mapToObj(i -> "s" + i).toList());
    assertThat(FilterValues.validate("source", many)).hasSize(FilterValues.MAX_VALUES);
    many.add("one-more");
    assertThatThrownBy(() -> FilterValues.validate("source", many))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("at most " + FilterValues.MAX_VALUES);
  }

  @Test
  void describeTruncatesAndEscapesControlCharacters() {
    assertThat(FilterValues.describe("a\u0000b\nc")).isEqualTo("'a\\u0000b\\u000ac'");
    assertThat(FilterValues.describe("x".repeat(100))).hasSize(43).endsWith("…'");
  }
}
