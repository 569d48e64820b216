package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchResponseTest {

  private static final long CAPTURED = Instant.parse("2024-05-01T12:30:00.250Z").toEpochMilli();

  private static SearchHit hit(String id) {
    return new SearchHit(id, 0.5f, "photos", id + ".jpg", "cam-1", CAPTURED, List.of("t"));
  }

  @Test
  void mapsHitsInOrderWithIsoTimesMillisAndUrls() {
    SearchResult result =
        new SearchResult(
            List.of(
                new SearchHit("a", 0.9f, "photos", "x/a.jpg", "cam-1", CAPTURED, List.of("street")),
                new SearchHit("b", 0.5f, "photos", "b.jpg", "cam-2", 0, List.of())),
            "model@1",
            12_600_000L);

    SearchResponse response =
        SearchResponse.from(result, SearchParams.defaults(), h -> "/u/" + h.id());

    assertThat(response.tookMs()).isEqualTo(12);
    assertThat(response.model()).isEqualTo("model@1");
    assertThat(response.results())
        .containsExactly(
            new SearchResponse.Result(
                "a",
                0.9f,
                "photos",
                "x/a.jpg",
                "cam-1",
                "2024-05-01T12:30:00.250Z",
                List.of("street"),
                "/u/a",
                null,
                null,
                null),
            new SearchResponse.Result(
                "b",
                0.5f,
                "photos",
                "b.jpg",
                "cam-2",
                "1970-01-01T00:00:00Z",
                List.of(),
                "/u/b",
                null,
                null,
                null));
  }

  @Test
  void nextOffsetOnlyWhenThePageIsFull() {
    SearchResult two = new SearchResult(List.of(hit("a"), hit("b")), "m", 0);

    SearchResponse full =
        SearchResponse.from(two, new SearchParams(2, 4, SearchFilter.NONE, null), h -> null);
    assertThat(full.offset()).isEqualTo(4);
    assertThat(full.nextOffset()).isEqualTo(6);

    SearchResponse partial =
        SearchResponse.from(two, new SearchParams(3, 4, SearchFilter.NONE, null), h -> null);
    assertThat(partial.nextOffset()).isNull();

    SearchResponse atTheEnd =
        SearchResponse.from(
            two,
            new SearchParams(2, SearchParams.MAX_WINDOW - 2, SearchFilter.NONE, null),
            h -> null);
    assertThat(atTheEnd.nextOffset()).as("no page beyond the window").isNull();
  }

  @Test
  void nullTagsBecomeAnEmptyList() {
    SearchHit hit = new SearchHit("a", 1f, "b", "k", "s", 0, null);

    assertThat(SearchResponse.toResult(hit, null).tags()).isEmpty();
  }

  @Test
  void serialisesToTheDocumentedShape() throws Exception {
    SearchResponse response =
        SearchResponse.from(
            new SearchResult(List.of(hit("a")), "m", 0), SearchParams.defaults(), h -> "/x");

    JsonNode json = QueryApi.objectMapper().valueToTree(response);

    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("results", "offset", "nextOffset", "tookMs", "model");
    assertThat(json.get("nextOffset").isNull()).isTrue();
    assertThat(json.get("results").get(0).fieldNames())
        .toIterable()
        .containsExactly("id", "score", "bucket", "key", "source", "capturedAt", "tags", "url");
    assertThat(json.get("results").get(0).get("capturedAt").asText())
        .isEqualTo("2024-05-01T12:30:00.250Z");
  }

  @Test
  void aFrameOfAGatedSceneShowsItsRepresentativeAndWhenTheSceneStarted() {
    SearchHit gated =
        new SearchHit(
            "b",
            0.8f,
            "photos",
            "b.jpg",
            "cam-1",
            CAPTURED,
            List.of(),
            null,
            new dev.imgsearch.indexer.store.SceneRef("a", CAPTURED - 2_000));

    JsonNode json = QueryApi.objectMapper().valueToTree(SearchResponse.toResult(gated, "/x"));

    assertThat(json.get("sceneOf").asText()).isEqualTo("a");
    assertThat(json.get("sceneStart").asText()).isEqualTo("2024-05-01T12:29:58.250Z");
    assertThat(json.has("distance")).isFalse();
    assertThat(
            QueryApi.objectMapper()
                .valueToTree(SearchResponse.toResult(hit("c"), "/x"))
                .has("sceneOf"))
        .isFalse();
  }
}
