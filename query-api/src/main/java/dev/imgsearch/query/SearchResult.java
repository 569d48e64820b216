package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchHit;
import java.util.List;

/**
 * The outcome of one search, independent of HTTP.
 *
 * @param hits best first, at most k, all passing the filter and the score threshold
 * @param model id of the embedding model the vectors come from
 * @param tookNanos wall time of the whole search (embedding included)
 */
public record SearchResult(List<SearchHit> hits, String model, long tookNanos) {
  public SearchResult {
    hits = List.copyOf(hits);
  }
}
