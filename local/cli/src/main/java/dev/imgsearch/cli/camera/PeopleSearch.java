package dev.imgsearch.cli.camera;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Check: search by a frame with people returns the frames where they appear. For each labelled
 * frame with people ({@link PeopleLabels#queryFrames}) and each camera: {@code POST
 * /v1/search?source=<camera>&k=21} with that frame's JPEG; of the hits other than the query frame
 * itself, the first {@value #K} are scored: a hit is right when it is a frame of the footage within
 * the people's span ({@link PeopleLabels#inSpan}).
 *
 * @param queries searches run
 * @param hits hits scored (other than the query frame)
 * @param inSpan of those, frames where the query's people appear
 * @param worstShare the lowest share of one query
 */
public record PeopleSearch(int queries, int hits, int inSpan, double worstShare) {
  /** Hits scored per query. */
  public static final int K = 20;

  /** The share of hits where the people appear; 0 without hits. */
  public double share() {
    return hits == 0 ? 0 : (double) inSpan / hits;
  }

  /** Runs the queries of {@code queryFrames} against every feed. */
  static PeopleSearch check(
      ApiJson api, List<CameraFeed> feeds, List<byte[]> frames, List<Integer> queryFrames)
      throws Exception {
    List<int[]> scores = new ArrayList<>();
    for (CameraFeed feed : feeds) {
      Map<String, Integer> position = new HashMap<>();
      for (int i = 0; i < frames.size(); i++) {
        position.put(feed.imageId(i), i);
      }
      for (int q : queryFrames) {
        JsonNode answer =
            api.postJpeg("/v1/search?k=" + (K + 1) + "&source=" + feed.source(), frames.get(q));
        List<String> ids = new ArrayList<>();
        answer.path("results").forEach(hit -> ids.add(hit.get("id").asText()));
        scores.add(score(ids, q, feed.imageId(q), position));
      }
    }
    return of(scores);
  }

  /**
   * {hits, in span} of one query's answer {@code ids} for query frame {@code q}: the query frame
   * itself is left out, then the first {@value #K} are scored; an id that is not a frame of the
   * footage ({@code position}) counts as a miss (pure; tested).
   */
  static int[] score(List<String> ids, int q, String selfId, Map<String, Integer> position) {
    List<String> others = ids.stream().filter(id -> !id.equals(selfId)).limit(K).toList();
    int right = 0;
    for (String id : others) {
      Integer at = position.get(id);
      if (at != null && PeopleLabels.inSpan(q, at)) {
        right++;
      }
    }
    return new int[] {others.size(), right};
  }

  /** The totals of per-query {hits, in span} scores (pure; tested). */
  static PeopleSearch of(List<int[]> scores) {
    int hits = 0;
    int right = 0;
    double worst = 1;
    for (int[] s : scores) {
      hits += s[0];
      right += s[1];
      worst = Math.min(worst, s[0] == 0 ? 0 : (double) s[1] / s[0]);
    }
    return new PeopleSearch(scores.size(), hits, right, scores.isEmpty() ? 0 : worst);
  }
}
