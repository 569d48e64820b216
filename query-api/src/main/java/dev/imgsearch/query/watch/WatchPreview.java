package dev.imgsearch.query.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.List;

/**
 * What a watch would have matched among stored images: of the nearest stored images (the candidates
 * a search returned, nearest first), those its source and hour-of-day filters admit are examined;
 * the ones at its threshold (cosine ≥ threshold; for near-duplicates Hamming distance ≤ threshold)
 * match, as the job decides. Object and face watches ({@link #ofItems}) examine the nearest stored
 * objects or faces instead, those of the watch's kind and model its class filter admits too. The
 * scores of every examined candidate go into a histogram of {@value #BUCKETS} buckets over 0..1, so
 * an operator sees where the threshold cuts. Pure.
 */
public final class WatchPreview {
  /** Histogram buckets over scores 0..1 (width 0.05); scores below 0 count in the first. */
  public static final int BUCKETS = 20;

  /**
   * A stored image the watch matches; for an object or face watch, the image of the matching item,
   * with the item's id, class label and box (normalised x0, y0, x1, y1), which are null otherwise.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Match(
      String imageId,
      String bucket,
      String key,
      String source,
      long capturedAtMillis,
      double score,
      Integer hammingDistance,
      String objectId,
      String label,
      float[] box) {}

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

  /**
   * The preview of a frame or near-duplicate watch {@code w} (enabled or not) over {@code nearest}.
   */
  public static Result of(CompiledWatch w, List<SearchHit> nearest) {
    boolean nearDuplicates = w.target() == WatchTarget.NEAR_DUPLICATES;
    CompiledWatch filters = armed(w);
    Tally tally = new Tally();
    for (SearchHit h : nearest) {
      if (!filters.admits(h.source(), h.capturedAtMillis())) {
        continue;
      }
      boolean match =
          nearDuplicates
              ? h.distance() != null && h.distance() <= w.threshold()
              : h.score() >= w.threshold();
      tally.add(
          h.score(),
          match
              ? new Match(
                  h.id(),
                  h.bucket(),
                  h.key(),
                  h.source(),
                  h.capturedAtMillis(),
                  h.score(),
                  nearDuplicates ? h.distance() : null,
                  null,
                  null,
                  null)
              : null);
    }
    return tally.result(w);
  }

  /**
   * The preview of an object or face watch {@code w} (enabled or not) over {@code nearest}, the
   * stored items nearest to its vector: those of its kind and model whose class, source and capture
   * hour it admits are examined, those at its threshold match.
   *
   * @throws IllegalArgumentException if {@code w} is not an OBJECTS or FACES watch
   */
  public static Result ofItems(CompiledWatch w, List<ItemHit> nearest) {
    DetectedItem.Kind kind = kind(w.target());
    CompiledWatch filters = armed(w);
    Tally tally = new Tally();
    for (ItemHit h : nearest) {
      StoredItem s = h.stored();
      DetectedItem item = s.item();
      if (item.kind() != kind
          || !item.model().equals(w.model())
          || !filters.admitsLabel(item.label())
          || !filters.admits(s.source(), s.capturedAtMillis())) {
        continue;
      }
      tally.add(
          h.similarity(),
          h.similarity() >= w.threshold()
              ? new Match(
                  s.parentId(),
                  s.bucket(),
                  s.key(),
                  s.source(),
                  s.capturedAtMillis(),
                  h.similarity(),
                  null,
                  s.id(),
                  item.label(),
                  item.box())
              : null);
    }
    return tally.result(w);
  }

  /** The kind of item an OBJECTS or FACES watch compares with. */
  public static DetectedItem.Kind kind(WatchTarget target) {
    return switch (target) {
      case OBJECTS -> DetectedItem.Kind.OBJECT;
      case FACES -> DetectedItem.Kind.FACE;
      default -> throw new IllegalArgumentException(target + " watches match whole images");
    };
  }

  /** Examined candidates, their histogram and the matches among them. */
  private static final class Tally {
    private final int[] counts = new int[BUCKETS];
    private final List<Match> matches = new ArrayList<>();
    private int examined;

    /** An examined candidate of {@code score}; {@code match} null when it does not match. */
    void add(double score, Match match) {
      examined++;
      counts[bucket(score)]++;
      if (match != null) {
        matches.add(match);
      }
    }

    Result result(CompiledWatch w) {
      return new Result(w.target(), w.threshold(), examined, matches.size(), matches, counts);
    }
  }

  /** {@code w} enabled: a disabled watch is previewed as if armed. */
  private static CompiledWatch armed(CompiledWatch w) {
    if (w.enabled()) {
      return w;
    }
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
