package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchQueryTest {
  @Test
  void defaultsAreJustK() {
    assertThat(SearchQuery.queryString(10, 0, List.of(), List.of(), null, null, null))
        .isEqualTo("k=10");
  }

  @Test
  void everyFilterBecomesTheApiParameterOfTheSameName() {
    String q =
        SearchQuery.queryString(
            5,
            20,
            List.of("cam-1,cam 2", "cam-1"),
            List.of("night"),
            "2024-05-01T00:00:00+02:00",
            "2024-06-01T00:00:00Z",
            0.5);
    assertThat(q)
        .isEqualTo(
            "k=5&offset=20&source=cam-1&source=cam+2&tags=night&from=2024-04-30T22%3A00%3A00Z"
                + "&to=2024-06-01T00%3A00%3A00Z&minScore=0.5");
  }

  @Test
  void valuesOutsideTheApiRulesAreRejectedNamingTheOption() {
    assertThatThrownBy(
            () -> SearchQuery.queryString(1001, 0, List.of(), List.of(), null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-k must be between 1 and 1000");
    assertThatThrownBy(
            () -> SearchQuery.queryString(10, 9_991, List.of(), List.of(), null, null, null))
        .hasMessageContaining("--offset");
    assertThatThrownBy(
            () -> SearchQuery.queryString(10, 0, List.of("x\"y"), List.of(), null, null, null))
        .hasMessageContaining("--source")
        .hasMessageContaining("x\"y");
    assertThatThrownBy(
            () ->
                SearchQuery.queryString(
                    10, 0, List.of(), List.of("a".repeat(129)), null, null, null))
        .hasMessageContaining("--tags");
    assertThatThrownBy(
            () -> SearchQuery.queryString(10, 0, List.of(), List.of(), "2024-05-01", null, null))
        .hasMessageContaining("--from must be an ISO-8601 instant");
    assertThatThrownBy(
            () ->
                SearchQuery.queryString(
                    10,
                    0,
                    List.of(),
                    List.of(),
                    "2024-05-01T00:00:00Z",
                    "2024-05-01T00:00:00Z",
                    null))
        .hasMessageContaining("--from must be before --to");
    assertThatThrownBy(
            () -> SearchQuery.queryString(10, 0, List.of(), List.of(), null, null, Double.NaN))
        .hasMessageContaining("--min-score");
  }

  @Test
  void imageIdsAre32LowerCaseHex() {
    assertThat(SearchQuery.imageId("0123456789abcdef0123456789abcdef"))
        .isEqualTo("0123456789abcdef0123456789abcdef");
    assertThatThrownBy(() -> SearchQuery.imageId("0123456789ABCDEF0123456789ABCDEF"))
        .hasMessageContaining("--id");
    assertThatThrownBy(() -> SearchQuery.imageId("../../etc")).hasMessageContaining("--id");
  }
}
