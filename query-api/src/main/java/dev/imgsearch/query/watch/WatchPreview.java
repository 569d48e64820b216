package dev.imgsearch.query.watch;

import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.List;

/**
 * What a watch would have matched among stored images: of the nearest stored images (the candidates
 * a search returned, nearest first), those its source and hour-of-day filters admit are examined;
 * the ones at its threshold (cosine ≥ threshold; for near-duplicates Hamming distance ≤ threshold)
 * match, as the job decides. The scores of every examined image go into a histogram of {@value
 * #BUCKETS} buckets over 0..1, so an operator sees where the threshold cuts. Pure.
 */
public final class WatchPreview {
  /** Histogram buckets over scores 0..1 (width 0.05); scores below 0 count in the first. */
  public static final int BUCKETS = 20;

  /** A stored image the watch matches. */
  public record Match(
      String imageId,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      double score,
      Integer hammingDistance) {}

  /**
   * @param examined candidates the watch's filters admit
   * @param scoreCounts examined images per score bucket ({@code [i / BUCKETS, (i + 1) / BUCKETS)},
   *     1.0 in the last)
   */
  public record Result(
      WatchTarget target,
      double threshold,
      int examined,
      int matched,
      List<Match> matches,
      int[] scoreCounts) {}

  private WatchPreview() {}

  /** The preview of {@code w} (enabled or not) over {@code nearest}. */
  public static Result of(CompiledWatch w, List<SearchHit> nearest) {
    boolean nearDuplicates = w.target() == WatchTarget.NEAR_DUPLICATES;
    int[] counts = new int[BUCKETS];
    List<Match> matches = new ArrayList<>();
    int examined = 0;
    CompiledWatch filters = w.enabled() ? w : enabled(w);
    for (SearchHit h : nearest) {
      if (!filters.admits(h.source(), h.capturedAtMillis())) {
        continue;
      }
      examined++;
      counts[bucket(h.score())]++;
      boolean match =
          nearDuplicates
              ? h.distance() != null && h.distance() <= w.threshold()
              : h.score() >= w.threshold();
      if (match) {
        matches.add(
            new Match(
                h.id(),
                h.bucket(),
                h.key(),
                h.source(),
                h.capturedAtMillis(),
                h.score(),
                nearDuplicates ? h.distance() : null));
      }
    }
    return new Result(w.target(), w.threshold(), examined, matches.size(), matches, counts);
  }

  /** {@code w} enabled: a disabled watch is previewed as if armed. */
  private static CompiledWatch enabled(CompiledWatch w) {
    return new CompiledWatch(
        w.id(),
        w.name(),
        w.target(),
        w.model(),
        w.vector(),
        w.phash(),
        w.threshold(),
        w.classes(),
        w.sources(),
        w.hoursMask(),
        w.zone(),
        w.cooldownMillis(),
        true);
  }

  static int bucket(double score) {
    if (!(score > 0)) {
      return 0;
    }
    return Math.min(BUCKETS - 1, (int) (score * BUCKETS));
  }
}
