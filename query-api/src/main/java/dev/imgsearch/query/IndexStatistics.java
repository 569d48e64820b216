package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorStore;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Size and freshness of the index: the row count and the newest capture time, found with filtered
 * k-NN probes ({@link NewestCapture}: the store contract has no "max"). All store calls of one
 * request share one store timeout.
 */
final class IndexStatistics {

  /** Bound on store calls for the newest capture time (it converges in far fewer). */
  static final int NEWEST_CAPTURE_MAX_PROBES = 128;

  /** Rows looked at per freshness probe. */
  static final int NEWEST_CAPTURE_SAMPLE = 100;

  private final VectorStore store;
  private final StoreCalls storeCalls;
  private final int dimension;
  private final String modelId;

  IndexStatistics(VectorStore store, StoreCalls storeCalls, int dimension, String modelId) {
    this.store = store;
    this.storeCalls = storeCalls;
    this.dimension = dimension;
    this.modelId = modelId;
  }

  /**
   * The row count and the newest capture time of any row.
   *
   * @throws StoreUnavailableException if the store fails or answers inconsistently
   * @throws StoreTimeoutException if the probes together take longer than the store timeout
   */
  QueryService.IndexStats stats() {
    // One deadline for the whole request: the probes are up to NEWEST_CAPTURE_MAX_PROBES sequential
    // store calls, and
    // a store that answers each just within the timeout must not hold the request for 128 timeouts.
    long deadline = storeCalls.deadline();
    long count = storeCalls.call(store::count, deadline);
    OptionalLong newest;
    try {
      newest =
          count == 0
              ? OptionalLong.empty()
              : NewestCapture.find(
                  from -> storeCalls.call(() -> anyCapturedAtOrAfter(from), deadline),
                  NEWEST_CAPTURE_MAX_PROBES);
    } catch (IllegalStateException e) { // the store answered inconsistently
      throw new StoreUnavailableException("vector store failed: " + e.getMessage(), e);
    }
    return new QueryService.IndexStats(
        count, newest.isPresent() ? newest.getAsLong() : null, modelId);
  }

  /**
   * The newest capture time among up to {@value #NEWEST_CAPTURE_SAMPLE} rows captured at or after
   * {@code fromMillis}.
   */
  private OptionalLong anyCapturedAtOrAfter(long fromMillis) {
    float[] axis = new float[dimension];
    axis[0] = 1f;
    List<SearchHit> hits =
        store.search(
            axis, NEWEST_CAPTURE_SAMPLE, new SearchFilter(Set.of(), fromMillis, null, Set.of()));
    return hits.stream().mapToLong(SearchHit::capturedAtMillis).max().stream().findFirst();
  }
}
