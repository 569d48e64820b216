package dev.imgsearch.cli.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Exact k-nearest neighbours by inner product (vectors are L2-normalised) and recall@k of an
 * approximate answer.
 */
public final class Recall {
  private Recall() {}

  /**
   * The ids of the {@code k} vectors with the highest inner product with {@code query}, best first;
   * ties by id.
   */
  public static List<String> exactTopK(Map<String, float[]> vectors, float[] query, int k) {
    Comparator<Map.Entry<String, Double>> worstFirst =
        Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder());
    PriorityQueue<Map.Entry<String, Double>> heap = new PriorityQueue<>(worstFirst);
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      float[] v = e.getValue();
      if (v.length != query.length) {
        throw new IllegalArgumentException(
            "dimension " + v.length + " of " + e.getKey() + " ≠ query " + query.length);
      }
      double dot = 0;
      for (int i = 0; i < v.length; i++) {
        dot += (double) v[i] * query[i];
      }
      heap.add(Map.entry(e.getKey(), dot));
      if (heap.size() > k) {
        heap.poll();
      }
    }
    List<String> out = new ArrayList<>();
    while (!heap.isEmpty()) {
      out.add(0, heap.poll().getKey());
    }
    return out;
  }

  /**
   * |approximate ∩ exact| / |exact| for the first k of each; 1.0 when exact is empty (nothing to
   * find).
   */
  public static double recallAtK(List<String> approximate, List<String> exact, int k) {
    List<String> truth = exact.subList(0, Math.min(k, exact.size()));
    if (truth.isEmpty()) {
      return 1.0;
    }
    Set<String> found = new HashSet<>(approximate.subList(0, Math.min(k, approximate.size())));
    long hits = truth.stream().filter(found::contains).count();
    return (double) hits / truth.size();
  }
}
