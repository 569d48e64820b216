package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;

import dev.imgsearch.indexer.store.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The decisions of a filtered search's exact path (see {@link MilvusVectorSearch}): when the
 * server's ANN answer is kept, and the exact ranking of the matching rows by cosine. Pure.
 */
final class MilvusExactFilter {
  /**
   * A filtered search whose filter matches at most this many rows is answered exactly (the matching
   * rows' vectors ranked by cosine here) instead of by the server's ANN search.
   */
  static final int MAX_ROWS = 1024;

  private MilvusExactFilter() {}

  /**
   * Whether the ANN answer stands for a filter matching {@code matchingRows} rows (as probed, up to
   * {@link #MAX_ROWS} + 1): a broad filter, or every matching row came back (nothing to rank
   * differently).
   */
  static boolean keepsAnnAnswer(int matchingRows, int annHits) {
    return matchingRows > MAX_ROWS || annHits >= matchingRows;
  }

  /**
   * The top-{@code k} of {@code entities} (each with an id, a vector and the hit fields) by cosine
   * similarity to {@code query}, best first, equal scores by id. A zero vector scores 0.
   */
  static List<SearchHit> rank(float[] query, int k, List<Map<String, Object>> entities) {
    double queryNorm = Math.sqrt(dot(query, query));
    List<SearchHit> hits = new ArrayList<>(entities.size());
    for (Map<String, Object> e : entities) {
      float[] vector = MilvusRows.vector(e);
      double norm = Math.sqrt(dot(vector, vector)) * queryNorm;
      float score = norm == 0 ? 0f : (float) (dot(query, vector) / norm);
      hits.add(MilvusRows.hit(String.valueOf(e.get(FIELD_ID)), score, e));
    }
    hits.sort(Comparator.comparing(SearchHit::score).reversed().thenComparing(SearchHit::id));
    return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
