package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.SearchFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchParamsTest {

  private static Map<String, List<String>> query(String... pairs) {
    LinkedHashMap<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
    }
    return map;
  }

  @Test
  void noParametersGiveDefaults() {
    SearchParams params = SearchParams.fromQuery(Map.of());

    assertThat(params.k()).isEqualTo(10);
    assertThat(params.filter()).isEqualTo(SearchFilter.NONE);
    assertThat(params.minScore()).isNull();
    assertThat(params).isEqualTo(SearchParams.defaults());
  }

  @Test
  void parsesEveryParameter() {
    SearchParams params =
        SearchParams.fromQuery(
            query(
                "k", "25",
                "source", "cam-1",
                "from", "2024-01-01T00:00:00Z",
                "to", "2024-02-01T00:00:00Z",
                "tags", "night",
                "minScore", "0.75"));

    assertThat(params.k()).isEqualTo(25);
    assertThat(params.filter().sources()).containsExactly("cam-1");
    assertThat(params.filter().fromMillis())
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
    assertThat(params.filter().toMillis())
        .isEqualTo(Instant.parse("2024-02-01T00:00:00Z").toEpochMilli());
    assertThat(params.filter().tags()).containsExactly("night");
    assertThat(params.minScore()).isEqualTo(0.75f);
  }

  @Test
  void sourcesAndTagsMayRepeatAndBeCommaSeparated() {
    SearchParams params =
        SearchParams.fromQuery(
            query("source", "cam-1, cam-2", "source", "cam-3", "tags", "a,,b", "tags", " "));

    assertThat(params.filter().sources()).containsExactlyInAnyOrder("cam-1", "cam-2", "cam-3");
    assertThat(params.filter().tags()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void blankValuesMeanNoRestriction() {
    SearchParams params =
        SearchParams.fromQuery(query("k", "", "from", " ", "source", "", "minScore", ""));

    assertThat(params).isEqualTo(SearchParams.defaults());
  }

  @Test
  void acceptsInstantsWithOffsets() {
    SearchParams params = SearchParams.fromQuery(query("from", "2024-01-01T02:00:00+02:00"));

    assertThat(params.filter().fromMillis())
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1000"})
  void acceptsKAtTheBounds(String k) {
    assertThat(SearchParams.fromQuery(query("k", k)).k()).isEqualTo(Integer.parseInt(k));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1001", "ten", "1.5", "99999999999"})
  void rejectsBadK(String k) {
    assertInvalid(query("k", k), "k");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2024-01-01", "2024-13-01T00:00:00Z", "1704067200000"})
  void rejectsNonInstants(String from) {
    assertInvalid(query("from", from), "from");
  }

  @Test
  void rejectsFromNotBeforeTo() {
    assertInvalid(query("from", "2024-02-01T00:00:00Z", "to", "2024-01-01T00:00:00Z"), "before");
    assertInvalid(query("from", "2024-02-01T00:00:00Z", "to", "2024-02-01T00:00:00Z"), "before");
  }

  @ParameterizedTest
  @ValueSource(strings = {"high", "1.5", "-2", "NaN", "Infinity"})
  void rejectsBadMinScore(String minScore) {
    assertInvalid(query("minScore", minScore), "minScore");
  }

  @Test
  void rejectsRepeatedScalars() {
    assertInvalid(query("k", "5", "k", "6"), "at most once");
  }

  @Test
  void ignoresUnknownParameters() {
    assertThat(SearchParams.fromQuery(query("page", "2"))).isEqualTo(SearchParams.defaults());
  }

  @Test
  void typedFactoryAppliesTheSameRules() {
    SearchParams params =
        SearchParams.of(null, List.of("a,b"), null, "2024-01-01T00:00:00Z", null, -0.5f);

    assertThat(params.k()).isEqualTo(10);
    assertThat(params.filter().sources()).containsExactlyInAnyOrder("a", "b");
    assertThat(params.filter().toMillis())
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
    assertThat(params.minScore()).isEqualTo(-0.5f);
    assertThatThrownBy(() -> SearchParams.of(0, null, null, null, null, null))
        .isInstanceOf(InvalidQueryException.class);
    assertThatThrownBy(() -> SearchParams.of(null, Arrays.asList("a", null), "x", null, null, null))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("from");
  }

  @Test
  void minScoreThreshold() {
    SearchParams params = SearchParams.of(null, null, null, null, null, 0.5f);

    assertThat(params.accepts(0.5f)).isTrue();
    assertThat(params.accepts(0.49f)).isFalse();
    assertThat(SearchParams.defaults().accepts(-1f)).isTrue();
  }

  @Test
  void offsetPagesWithinTheWindow() {
    assertThat(SearchParams.fromQuery(query("offset", "20", "k", "10")).offset()).isEqualTo(20);
    assertThat(SearchParams.defaults().offset()).isZero();
    assertThat(SearchParams.fromQuery(query("offset", "9990", "k", "10")).offset()).isEqualTo(9990);
    assertInvalid(query("offset", "9991", "k", "10"), "offset");
    assertInvalid(query("offset", "-1"), "offset");
    assertInvalid(query("offset", "1.5"), "offset");
    assertInvalid(query("offset", "1", "offset", "2"), "at most once");
    assertThat(SearchParams.of(5, 15, null, null, null, null, null).offset()).isEqualTo(15);
  }

  @Test
  void filterValuesAreValidated() {
    assertInvalid(query("source", "cam-1\" or 1==1"), "source values may only contain");
    assertInvalid(query("tags", "a,b*"), "tags values may only contain");
    assertThatThrownBy(() -> SearchParams.of(null, List.of("x\u0000"), null, null, null, null))
        .isInstanceOf(InvalidQueryException.class);
  }

  private static void assertInvalid(Map<String, List<String>> query, String messagePart) {
    assertThatThrownBy(() -> SearchParams.fromQuery(query))
        .isInstanceOfSatisfying(
            InvalidQueryException.class,
            e -> assertThat(e.code()).isEqualTo(InvalidQueryException.INVALID_PARAMETER))
        .hasMessageContaining(messagePart);
  }
}
