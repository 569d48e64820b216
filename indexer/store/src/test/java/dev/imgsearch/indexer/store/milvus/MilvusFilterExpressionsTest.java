package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.SearchFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MilvusFilterExpressionsTest {

  @Test
  void emptyFilterGivesEmptyExpression() {
    assertThat(MilvusFilterExpressions.of(SearchFilter.NONE)).isEmpty();
    assertThat(MilvusFilterExpressions.of(null)).isEmpty();
    assertThat(MilvusFilterExpressions.of(new SearchFilter(null, null, null, null))).isEmpty();
  }

  @Test
  void sourcesAreAnyOfSorted() {
    var filter = new SearchFilter(Set.of("cam-2", "cam-1"), null, null, Set.of());
    assertThat(MilvusFilterExpressions.of(filter)).isEqualTo("source in [\"cam-1\", \"cam-2\"]");
  }

  @Test
  void timeRangeIsFromInclusiveToExclusive() {
    assertThat(MilvusFilterExpressions.of(new SearchFilter(Set.of(), 1000L, 2000L, Set.of())))
        .isEqualTo("captured_at >= 1000 and captured_at < 2000");
    assertThat(MilvusFilterExpressions.of(new SearchFilter(Set.of(), -5L, null, Set.of())))
        .isEqualTo("captured_at >= -5");
    assertThat(MilvusFilterExpressions.of(new SearchFilter(Set.of(), null, 7L, Set.of())))
        .isEqualTo("captured_at < 7");
  }

  @Test
  void tagsUseArrayContainsAny() {
    var filter = new SearchFilter(Set.of(), null, null, Set.of("red", "blue"));
    assertThat(MilvusFilterExpressions.of(filter))
        .isEqualTo("array_contains_any(tags, [\"blue\", \"red\"])");
  }

  @Test
  void clausesAreJoinedWithAnd() {
    var filter = new SearchFilter(Set.of("cam-1"), 10L, 20L, Set.of("x"));
    assertThat(MilvusFilterExpressions.of(filter))
        .isEqualTo(
            "source in [\"cam-1\"] and captured_at >= 10 and captured_at < 20"
                + " and array_contains_any(tags, [\"x\"])");
  }

  @Test
  void quoteEscapesQuotesBackslashesAndControlCharacters() {
    assertThat(MilvusFilterExpressions.quote("plain")).isEqualTo("\"plain\"");
    assertThat(MilvusFilterExpressions.quote("")).isEqualTo("\"\"");
    assertThat(MilvusFilterExpressions.quote("a\"b")).isEqualTo("\"a\\\"b\"");
    assertThat(MilvusFilterExpressions.quote("a\\b")).isEqualTo("\"a\\\\b\"");
    assertThat(MilvusFilterExpressions.quote("\\\"")).isEqualTo("\"\\\\\\\"\"");
    assertThat(MilvusFilterExpressions.quote("a\nb\tc\r\u0001\u007f"))
        .isEqualTo("\"a\\u000ab\\u0009c\\u000d\\u0001\\u007f\"");
  }

  @Test
  void quoteKeepsSingleQuotesAndNonAsciiAsIs() {
    assertThat(MilvusFilterExpressions.quote("it's é 😀 ]")).isEqualTo("\"it's é 😀 ]\"");
  }

  @Test
  void injectionAttemptStaysInsideTheLiteral() {
    String hostile = "x\"] or id != \"";
    assertThat(MilvusFilterExpressions.idIn(List.of(hostile)))
        .isEqualTo("id in [\"x\\\"] or id != \\\"\"]");
  }

  @Test
  void idInListsDistinctIdsAndRejectsNone() {
    assertThat(MilvusFilterExpressions.idIn(List.of("b", "a", "b")))
        .isEqualTo("id in [\"a\", \"b\"]");
    assertThatThrownBy(() -> MilvusFilterExpressions.idIn(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
