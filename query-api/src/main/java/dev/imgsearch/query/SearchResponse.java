package dev.imgsearch.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imgsearch.indexer.store.SearchHit;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * JSON body of every search endpoint: {@code
 * {"results":[...],"offset":n,"nextOffset":n|null,"tookMs":n,"model":"..."}}.
 *
 * @param results best first
 * @param offset how many results were skipped (the request's {@code offset})
 * @param nextOffset the {@code offset} of the next page, or null when this page is the last one
 *     (fewer than k results)
 * @param tookMs wall time of the search in milliseconds
 * @param model embedding model id
 */
public record SearchResponse(
    List<Result> results, int offset, Integer nextOffset, long tookMs, String model) {

  /**
   * One hit as the client sees it.
   *
   * @param score cosine similarity, higher is better (near-duplicate search: {@code 1 - distance /
   *     64})
   * @param capturedAt ISO-8601 instant
   * @param url where to download the image (presigned object-store URL, or this API's content path)
   * @param distance near-duplicate search only: Hamming distance of the perceptual hashes, 0..64
   * @param sceneOf scene-change gating: id of the earlier frame of the same source whose vector
   *     this frame reuses (its scene's representative), absent when the frame was embedded itself
   * @param sceneStart ISO-8601 instant the scene started (the representative's capture time); the
   *     scene lasted at least from {@code sceneStart} to {@code capturedAt}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(
      String id,
      float score,
      String bucket,
      String key,
      String source,
      String capturedAt,
      List<String> tags,
      String url,
      Integer distance,
      String sceneOf,
      String sceneStart) {}

  /**
   * Maps a service result to its wire form; {@code urls} gives each hit's download URL (may return
   * null).
   */
  public static SearchResponse from(
      SearchResult result, SearchParams params, Function<SearchHit, String> urls) {
    List<Result> results =
        result.hits().stream().map(hit -> toResult(hit, urls.apply(hit))).toList();
    int next = params.offset() + params.k();
    Integer nextOffset =
        results.size() == params.k() && next + params.k() <= SearchParams.MAX_WINDOW ? next : null;
    return new SearchResponse(
        results,
        params.offset(),
        nextOffset,
        TimeUnit.NANOSECONDS.toMillis(result.tookNanos()),
        result.model());
  }

  static Result toResult(SearchHit hit, String url) {
    return new Result(
        hit.id(),
        hit.score(),
        hit.bucket(),
        hit.key(),
        hit.source(),
        Instant.ofEpochMilli(hit.capturedAtMillis()).toString(),
        hit.tags() == null ? List.of() : hit.tags(),
        url,
        hit.distance(),
        hit.scene() == null ? null : hit.scene().representativeId(),
        hit.scene() == null ? null : Instant.ofEpochMilli(hit.scene().startMillis()).toString());
  }
}
