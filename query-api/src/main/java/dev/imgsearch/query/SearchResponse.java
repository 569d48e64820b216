package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchHit;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JSON body of every search endpoint: {@code {"results":[...],"tookMs":n,"model":"..."}}.
 *
 * @param results best first
 * @param tookMs wall time of the search in milliseconds
 * @param model embedding model id
 */
public record SearchResponse(List<Result> results, long tookMs, String model) {

  /**
   * One hit as the client sees it.
   *
   * @param score cosine similarity, higher is better
   * @param capturedAt ISO-8601 instant
   */
  public record Result(
      String id, float score, String bucket, String key, String source, String capturedAt, List<String> tags) {}

  /** Maps a service result to its wire form. */
  public static SearchResponse from(SearchResult result) {
    List<Result> results = result.hits().stream().map(SearchResponse::toResult).toList();
    return new SearchResponse(results, TimeUnit.NANOSECONDS.toMillis(result.tookNanos()), result.model());
  }

  static Result toResult(SearchHit hit) {
    return new Result(
        hit.id(),
        hit.score(),
        hit.bucket(),
        hit.key(),
        hit.source(),
        Instant.ofEpochMilli(hit.capturedAtMillis()).toString(),
        hit.tags() == null ? List.of() : hit.tags());
  }
}
