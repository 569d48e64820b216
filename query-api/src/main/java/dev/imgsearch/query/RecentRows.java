package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Newest-first listings and per-interval counts in a store whose contract has no "list" or "count
 * where": both are computed from bounded filtered scans (a filtered k-NN search with k = the scan
 * bound returns every matching row when fewer than the bound match).
 *
 * <p>Listing: one scan of the window; if it came back full (the window holds at least {@code
 * scanBound} rows), the lower time bound is bisected between the oldest row of that scan and the
 * newest capture time until a scan holds at least {@code limit} rows but is not full; those are all
 * the window's rows from that bound on, so their newest {@code limit} are exactly the window's
 * newest. Counting: one scan; counts are exact when it is not full, else they are lower bounds and
 * say so ({@code complete = false}).
 */
final class RecentRows {

  /** One bounded scan: up to {@code k} rows passing {@code filter}, in any order. */
  @FunctionalInterface
  interface Scan {
    List<SearchHit> scan(SearchFilter filter, int k);
  }

  /** Newest first; equal capture times by id. */
  static final Comparator<SearchHit> NEWEST_FIRST =
      Comparator.comparingLong(SearchHit::capturedAtMillis).reversed().thenComparing(SearchHit::id);

  /**
   * @param rows newest first, at most the asked limit
   * @param complete false only when more than a scan's worth of rows share one millisecond at the
   *     cut (then {@code rows} are the newest of a scan, not necessarily of the window)
   */
  record Listing(List<SearchHit> rows, boolean complete) {}

  /**
   * @param counts rows per interval, oldest interval first
   * @param complete true if every row of the window was counted; false if the window held {@code
   *     scanBound} rows or more (then each count is a lower bound)
   */
  record Counts(long fromMillis, long intervalMillis, long[] counts, boolean complete) {}

  /** Bound on bisection scans of one listing (the time range is at most 2^49 ms). */
  static final int MAX_BISECTIONS = 64;

  private RecentRows() {}

  /** The newest {@code limit} rows passing {@code filter}. */
  static Listing newest(Scan scan, SearchFilter filter, int limit, int scanBound) {
    if (limit < 1 || limit >= scanBound) {
      throw new IllegalArgumentException(
          "need 1 <= limit < scanBound: " + limit + ", " + scanBound);
    }
    List<SearchHit> first = scan.scan(filter, scanBound);
    if (first.size() < scanBound) {
      return new Listing(cut(first, limit), true);
    }
    // At least scanBound rows in [oldest of this scan, to): bisect the lower bound towards the
    // newest row.
    long oldest = first.stream().mapToLong(SearchHit::capturedAtMillis).min().orElseThrow();
    OptionalLong newest =
        NewestCapture.find(
            from -> newestOf(scan.scan(withFrom(filter, Math.max(from, oldest)), scanBound)),
            MAX_BISECTIONS * 2);
    long lo = oldest; // a scan from lo is full
    long hi = newest.orElseThrow() + 1; // a scan from hi is empty (fewer than limit rows)
    List<SearchHit> best = first;
    for (int i = 0; i < MAX_BISECTIONS && hi - lo > 1; i++) {
      long mid = lo + (hi - lo) / 2;
      List<SearchHit> rows = scan.scan(withFrom(filter, mid), scanBound);
      if (rows.size() >= scanBound) {
        lo = mid;
        best = rows;
      } else if (rows.size() >= limit) {
        return new Listing(cut(rows, limit), true);
      } else {
        hi = mid;
      }
    }
    // more than scanBound - limit rows share millisecond lo: the newest of the last full scan,
    // flagged
    return new Listing(cut(best, limit), false);
  }

  /**
   * Rows per interval of {@code [fromMillis, toMillis)} passing {@code filter} (its own time bounds
   * are replaced).
   *
   * @throws IllegalArgumentException if the window is not a whole, positive number of intervals
   */
  static Counts count(
      Scan scan,
      SearchFilter filter,
      long fromMillis,
      long toMillis,
      long intervalMillis,
      int scanBound) {
    if (intervalMillis <= 0
        || toMillis <= fromMillis
        || (toMillis - fromMillis) % intervalMillis != 0) {
      throw new IllegalArgumentException("window must be a positive whole number of intervals");
    }
    int buckets = Math.toIntExact((toMillis - fromMillis) / intervalMillis);
    List<SearchHit> rows =
        scan.scan(
            new SearchFilter(filter.sources(), fromMillis, toMillis, filter.tags()), scanBound);
    long[] counts = new long[buckets];
    for (SearchHit row : rows) {
      long t = row.capturedAtMillis();
      if (t >= fromMillis
          && t < toMillis) { // the store already filtered; a row outside is not counted
        counts[(int) ((t - fromMillis) / intervalMillis)]++;
      }
    }
    return new Counts(fromMillis, intervalMillis, counts, rows.size() < scanBound);
  }

  private static List<SearchHit> cut(List<SearchHit> rows, int limit) {
    return rows.stream().sorted(NEWEST_FIRST).limit(limit).toList();
  }

  private static OptionalLong newestOf(List<SearchHit> rows) {
    return rows.stream().mapToLong(SearchHit::capturedAtMillis).max().stream().findFirst();
  }

  private static SearchFilter withFrom(SearchFilter filter, long fromMillis) {
    long from =
        filter.fromMillis() == null ? fromMillis : Math.max(filter.fromMillis(), fromMillis);
    return new SearchFilter(filter.sources(), from, filter.toMillis(), filter.tags());
  }
}
