package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.milvus.MilvusFilterExpressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filter safety on the Milvus side, through the indexer's expression builder: whatever reaches it,
 * a value can only ever be one string literal denoting exactly itself, so the shape of the boolean
 * expression is fixed by the API.
 */
class MilvusFilterSafetyTest {

  static List<String> injectionPayloads() {
    return InjectionPayloads.STRINGS;
  }

  /** The expression with every string literal replaced by {@code S}, and the decoded literals. */
  record Lexed(String skeleton, List<String> literals) {}

  /**
   * Splits a Milvus expression into its structure and its double-quoted literals (Go
   * strconv.Unquote escapes).
   */
  static Lexed lex(String expression) {
    StringBuilder skeleton = new StringBuilder();
    List<String> literals = new ArrayList<>();
    int i = 0;
    while (i < expression.length()) {
      char c = expression.charAt(i);
      if (c != '"') {
        skeleton.append(c);
        i++;
        continue;
      }
      StringBuilder literal = new StringBuilder();
      i++;
      while (true) {
        if (i >= expression.length()) {
          throw new AssertionError("unterminated literal in " + expression);
        }
        char d = expression.charAt(i);
        if (d == '"') {
          i++;
          break;
        }
        if (d < 0x20 || d == 0x7f) {
          throw new AssertionError("raw control character in a literal of " + expression);
        }
        if (d == '\\') {
          char e = expression.charAt(i + 1);
          switch (e) {
            case '"', '\\' -> {
              literal.append(e);
              i += 2;
            }
            case 'u' -> {
              literal.append((char) Integer.parseInt(expression.substring(i + 2, i + 6), 16));
              i += 6;
            }
            default -> throw new AssertionError("unexpected escape \\" + e + " in " + expression);
          }
        } else {
          literal.append(d);
          i++;
        }
      }
      skeleton.append('S');
      literals.add(literal.toString());
    }
    return new Lexed(skeleton.toString(), literals);
  }

  private static final Lexed BENIGN_SOURCE =
      lex(MilvusFilterExpressions.of(new SearchFilter(Set.of("x"), null, null, Set.of())));
  private static final Lexed BENIGN_TAGS =
      lex(MilvusFilterExpressions.of(new SearchFilter(Set.of(), null, null, Set.of("x"))));

  @ParameterizedTest
  @MethodSource("injectionPayloads")
  void evenUnvalidatedPayloadsStayOneLiteral(String payload) {
    Lexed source =
        lex(MilvusFilterExpressions.of(new SearchFilter(Set.of(payload), null, null, Set.of())));
    assertThat(source.skeleton()).isEqualTo(BENIGN_SOURCE.skeleton());
    assertThat(source.literals()).containsExactly(payload);

    Lexed tags =
        lex(MilvusFilterExpressions.of(new SearchFilter(Set.of(), null, null, Set.of(payload))));
    assertThat(tags.skeleton()).isEqualTo(BENIGN_TAGS.skeleton());
    assertThat(tags.literals()).containsExactly(payload);
  }

  @Test
  void valuesTheApiAcceptsNeedNoEscaping() {
    Random random = new Random(7);
    String alphabet = "abcXYZ019 ._-:/@+=#éü東";
    for (int n = 0; n < 2000; n++) {
      StringBuilder value = new StringBuilder();
      int length = 1 + random.nextInt(FilterValues.MAX_LENGTH);
      for (int i = 0; i < length; i++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String v = value.toString().strip();
      if (v.isEmpty()) {
        continue;
      }
      assertThat(FilterValues.validate("source", List.of(v))).containsExactly(v);
      assertThat(MilvusFilterExpressions.quote(v)).isEqualTo("\"" + v + "\"");
    }
  }

  @Test
  void queryParametersBecomeTheExpectedExpression() {
    SearchParams params =
        SearchParams.fromQuery(
            Map.of(
                "source", List.of("yard/gate:2,cam-1"),
                "tags", List.of("night"),
                "from", List.of("2024-05-01T00:00:00Z"),
                "to", List.of("2024-05-02T00:00:00Z")));

    assertThat(MilvusFilterExpressions.of(params.filter()))
        .isEqualTo(
            "source in [\"cam-1\", \"yard/gate:2\"] and captured_at >= 1714521600000 and captured_at < 1714608000000"
                + " and array_contains_any(tags, [\"night\"])");
  }

  @Test
  void theFreshnessProbeFilterIsANumberComparison() {
    assertThat(
            MilvusFilterExpressions.of(
                new SearchFilter(Set.of(), NewestCapture.MIN_MILLIS, null, Set.of())))
        .isEqualTo("captured_at >= " + NewestCapture.MIN_MILLIS);
  }
}
