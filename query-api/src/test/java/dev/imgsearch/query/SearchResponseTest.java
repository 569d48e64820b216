package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.indexer.store.SearchHit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchResponseTest {

  private static final long CAPTURED = Instant.parse("2024-05-01T12:30:00.250Z").toEpochMilli();

  @Test
  void mapsHitsInOrderWithIsoTimesAndMillis() {
    SearchResult result =
        new SearchResult(
            List.of(
                new SearchHit("a", 0.9f, "photos", "x/a.jpg", "cam-1", CAPTURED, List.of("street")),
                new SearchHit("b", 0.5f, "photos", "b.jpg", "cam-2", 0, List.of())),
            "model@1",
            12_600_000L);

    SearchResponse response = SearchResponse.from(result);

    assertThat(response.tookMs()).isEqualTo(12);
    assertThat(response.model()).isEqualTo("model@1");
    assertThat(response.results())
        .containsExactly(
            new SearchResponse.Result(
                "a", 0.9f, "photos", "x/a.jpg", "cam-1", "2024-05-01T12:30:00.250Z", List.of("street")),
            new SearchResponse.Result("b", 0.5f, "photos", "b.jpg", "cam-2", "1970-01-01T00:00:00Z", List.of()));
  }

  @Test
  void nullTagsBecomeAnEmptyList() {
    SearchHit hit = new SearchHit("a", 1f, "b", "k", "s", 0, null);

    assertThat(SearchResponse.toResult(hit).tags()).isEmpty();
  }

  @Test
  void serialisesToTheDocumentedShape() throws Exception {
    SearchResponse response =
        SearchResponse.from(
            new SearchResult(
                List.of(new SearchHit("a", 0.5f, "photos", "a.jpg", "cam-1", CAPTURED, List.of("t"))), "m", 0));

    JsonNode json = QueryApi.objectMapper().valueToTree(response);

    assertThat(json.fieldNames()).toIterable().containsExactly("results", "tookMs", "model");
    assertThat(json.get("results").get(0).fieldNames())
        .toIterable()
        .containsExactly("id", "score", "bucket", "key", "source", "capturedAt", "tags");
    assertThat(json.get("results").get(0).get("capturedAt").asText()).isEqualTo("2024-05-01T12:30:00.250Z");
  }
}
