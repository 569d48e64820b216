package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.indexer.store.SearchHit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MilvusExactFilterTest {

  @Test
  void theAnnAnswerStandsForBroadFiltersOrWhenItHoldsEveryMatchingRow() {
    int max = MilvusExactFilter.MAX_ROWS;
    assertThat(MilvusExactFilter.keepsAnnAnswer(max + 1, 3)).as("broad filter").isTrue();
    assertThat(MilvusExactFilter.keepsAnnAnswer(5, 5)).as("every matching row came back").isTrue();
    assertThat(MilvusExactFilter.keepsAnnAnswer(0, 0)).as("nothing matches").isTrue();
    assertThat(MilvusExactFilter.keepsAnnAnswer(20, 4))
        .as("selective filter, rows missing")
        .isFalse();
    assertThat(MilvusExactFilter.keepsAnnAnswer(max, 0)).as("at the limit").isFalse();
  }

  @Test
  void matchingRowsAreRankedByCosineBestFirstTiesById() {
    var entities =
        List.of(
            entity("opposite", -1, 0),
            entity("b-same", 2, 0), // cosine ignores length
            entity("sixty", 0.6, 0.8),
            entity("a-same", 1, 0),
            entity("zero", 0, 0));
    List<SearchHit> hits = MilvusExactFilter.rank(new float[] {1f, 0f}, 4, entities);
    assertThat(hits).extracting(SearchHit::id).containsExactly("a-same", "b-same", "sixty", "zero");
    float[] scores = new float[hits.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = hits.get(i).score();
    }
    assertThat(scores).containsExactly(new float[] {1f, 1f, 0.6f, 0f}, within(1e-6f));
    assertThat(hits.get(2).source()).isEqualTo("cam-1");
    assertThat(MilvusExactFilter.rank(new float[] {1f, 0f}, 10, entities))
        .hasSize(5)
        .last()
        .extracting(SearchHit::id)
        .isEqualTo("opposite");
    assertThat(MilvusExactFilter.rank(new float[] {0f, 0f}, 1, entities))
        .extracting(SearchHit::score)
        .containsExactly(0f);
  }

  private static Map<String, Object> entity(String id, double x, double y) {
    return Map.of(
        "id",
        id,
        "vector",
        List.of(x, y),
        "bucket",
        "b",
        "key",
        "k/" + id,
        "source",
        "cam-1",
        "captured_at",
        1L,
        "tags",
        List.of());
  }
}
