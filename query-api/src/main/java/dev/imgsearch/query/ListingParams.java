package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchFilter;
import java.util.List;
import java.util.Map;

/**
 * The validated parameters of {@code GET /v1/images} (newest-first listing) and {@code GET
 * /v1/timeline} (counts per interval). Filters ({@code source}, {@code tags}, {@code from}, {@code
 * to}) follow {@link SearchParams}' rules.
 */
final class ListingParams {

  public static final String LIMIT = "limit";
  public static final String ORDER = "order";
  public static final String INTERVAL = "interval";

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /**
   * Rows one listing scan reads (a listing of a fuller window bisects its start, see {@link
   * RecentRows}).
   */
  public static final int LISTING_SCAN_BOUND = 2000;

  /**
   * Rows one timeline scan reads; a window holding this many or more is answered with {@code
   * complete: false}.
   */
  public static final int COUNT_SCAN_BOUND = SearchParams.MAX_WINDOW;

  public static final int DEFAULT_INTERVAL_SECONDS = 60;
  public static final int MAX_INTERVAL_SECONDS = 86_400;

  /** Most intervals in one timeline (a day of minutes). */
  public static final int MAX_INTERVALS = 1440;

  /** Default timeline length, in intervals. */
  public static final int DEFAULT_INTERVALS = 60;

  /** {@code GET /v1/images}. */
  record Listing(SearchFilter filter, int limit) {}

  /** {@code GET /v1/timeline}: {@code [fromMillis, toMillis)} is a whole number of intervals. */
  record Timeline(SearchFilter filter, long fromMillis, long toMillis, long intervalMillis) {}

  private ListingParams() {}

  static Listing listing(Map<String, List<String>> query) {
    SearchFilter filter = filter(query);
    Integer limit = integer(query, LIMIT);
    int value = limit == null ? DEFAULT_LIMIT : limit;
    if (value < 1 || value > MAX_LIMIT) {
      throw InvalidQueryException.parameter(
          LIMIT + " must be between 1 and " + MAX_LIMIT + ", got " + value);
    }
    String order = SearchParams.single(query, ORDER);
    if (order != null && !order.equals("newest")) {
      throw InvalidQueryException.parameter(
          ORDER + " must be 'newest', got " + FilterValues.describe(order));
    }
    return new Listing(filter, value);
  }

  /**
   * Without {@code to}: the end of the current interval; without {@code from}: {@value
   * #DEFAULT_INTERVALS} intervals before {@code to}. A window that is not a whole number of
   * intervals is extended at its start.
   */
  static Timeline timeline(Map<String, List<String>> query, long nowMillis) {
    SearchFilter filter = filter(query);
    Integer seconds = integer(query, INTERVAL);
    int interval = seconds == null ? DEFAULT_INTERVAL_SECONDS : seconds;
    if (interval < 1 || interval > MAX_INTERVAL_SECONDS) {
      throw InvalidQueryException.parameter(
          INTERVAL
              + " must be between 1 and "
              + MAX_INTERVAL_SECONDS
              + " seconds, got "
              + interval);
    }
    long step = interval * 1000L;
    long to =
        filter.toMillis() != null
            ? filter.toMillis()
            : Math.floorDiv(nowMillis, step) * step + step;
    long from = filter.fromMillis() != null ? filter.fromMillis() : to - DEFAULT_INTERVALS * step;
    if (from >= to) { // only a defaulted bound can cross the other
      throw InvalidQueryException.parameter(
          SearchParams.FROM + " must be before " + SearchParams.TO);
    }
    long span = to - from;
    long intervals = (span + step - 1) / step;
    if (intervals > MAX_INTERVALS) {
      throw InvalidQueryException.parameter(
          "the window holds "
              + intervals
              + " intervals, at most "
              + MAX_INTERVALS
              + " are allowed");
    }
    from = to - intervals * step;
    return new Timeline(
        new SearchFilter(filter.sources(), from, to, filter.tags()), from, to, step);
  }

  private static SearchFilter filter(Map<String, List<String>> query) {
    return SearchParams.of(
            null,
            query.getOrDefault(SearchParams.SOURCE, List.of()),
            SearchParams.single(query, SearchParams.FROM),
            SearchParams.single(query, SearchParams.TO),
            query.getOrDefault(SearchParams.TAGS, List.of()),
            null)
        .filter();
  }

  private static Integer integer(Map<String, List<String>> query, String name) {
    return SearchParams.parseInt(name, SearchParams.single(query, name));
  }
}
