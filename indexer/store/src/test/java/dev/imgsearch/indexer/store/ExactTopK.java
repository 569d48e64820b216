package dev.imgsearch.indexer.store;

import java.util.Comparator;
import java.util.List;

/**
 * The reference answer of filtered-search tests (over random unit vectors of {@link
 * dev.imgsearch.schemas.testing.UnitVectors}): the exact top-k by cosine.
 */
public final class ExactTopK {
  private ExactTopK() {}

  /**
   * Ids of the {@code k} rows matching {@code filter} nearest to {@code query} (cosine of unit
   * vectors), best first.
   */
  public static List<String> ids(
      List<VectorRecord> rows, float[] query, int k, SearchFilter filter) {
    return rows.stream()
        .filter(r -> filter.matches(r.source(), r.capturedAtMillis(), r.tags()))
        .sorted(Comparator.comparingDouble((VectorRecord r) -> -dot(query, r.vector())))
        .limit(k)
        .map(VectorRecord::id)
        .toList();
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
