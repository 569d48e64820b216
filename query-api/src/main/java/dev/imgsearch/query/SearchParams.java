package dev.imgsearch.query;

import dev.imgsearch.indexer.store.SearchFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated options of one search: how many results, which rows qualify, and the lowest score
 * returned.
 *
 * <p>Built from URL query parameters ({@link #fromQuery}) or from the fields of a JSON body ({@link
 * #of}); both apply the same rules and throw {@link InvalidQueryException} naming the offending
 * parameter.
 *
 * @param k maximum number of results, {@value #MIN_K}..{@value #MAX_K}
 * @param offset results to skip (paging), 0..; {@code offset + k} is at most {@value #MAX_WINDOW}
 * @param filter rows that qualify
 * @param minScore results scoring below this are dropped; {@code null} means no threshold
 */
public record SearchParams(int k, int offset, SearchFilter filter, Float minScore) {

  public static final int DEFAULT_K = 10;
  public static final int MIN_K = 1;
  public static final int MAX_K = 1000;

  /** Deepest result reachable by paging; Milvus caps topK at 16384. */
  public static final int MAX_WINDOW = 10_000;

  public static final String K = "k";
  public static final String SOURCE = "source";
  public static final String FROM = "from";
  public static final String TO = "to";
  public static final String TAGS = "tags";
  public static final String MIN_SCORE = "minScore";
  public static final String OFFSET = "offset";

  /** Hamming radius of {@code POST /v1/search/duplicates} (not part of {@link #NAMES}). */
  public static final String MAX_DISTANCE = "maxDistance";

  /** Every search parameter, as named in query strings and JSON bodies. */
  public static final List<String> NAMES = List.of(K, OFFSET, SOURCE, FROM, TO, TAGS, MIN_SCORE);

  public SearchParams {
    if (k < MIN_K || k > MAX_K) {
      throw InvalidQueryException.parameter(
          K + " must be between " + MIN_K + " and " + MAX_K + ", got " + k);
    }
    if (offset < 0 || offset > MAX_WINDOW - k) {
      throw InvalidQueryException.parameter(
          OFFSET + " must be between 0 and " + MAX_WINDOW + " - k, got " + offset);
    }
    filter = filter == null ? SearchFilter.NONE : filter;
    if (minScore != null && (!Float.isFinite(minScore) || minScore < -1f || minScore > 1f)) {
      throw InvalidQueryException.parameter(
          MIN_SCORE + " must be a number between -1 and 1, got " + minScore);
    }
  }

  /** First page. */
  public SearchParams(int k, SearchFilter filter, Float minScore) {
    this(k, 0, filter, minScore);
  }

  /** Default k, first page, no filter, no threshold. */
  public static SearchParams defaults() {
    return new SearchParams(DEFAULT_K, 0, SearchFilter.NONE, null);
  }

  /**
   * Parses URL query parameters. {@code source} and {@code tags} may repeat and/or hold
   * comma-separated values; the other parameters may appear at most once. Unknown parameters are
   * ignored.
   */
  public static SearchParams fromQuery(Map<String, List<String>> query) {
    return of(
        parseInt(K, single(query, K)),
        parseInt(OFFSET, single(query, OFFSET)),
        query.getOrDefault(SOURCE, List.of()),
        single(query, FROM),
        single(query, TO),
        query.getOrDefault(TAGS, List.of()),
        parseMinScore(single(query, MIN_SCORE)));
  }

  /**
   * {@link #of(Integer, Integer, Collection, String, String, Collection, Float)} on the first page.
   */
  public static SearchParams of(
      Integer k,
      Collection<String> sources,
      String from,
      String to,
      Collection<String> tags,
      Float minScore) {
    return of(k, null, sources, from, to, tags, minScore);
  }

  /**
   * Builds params from already-typed values (e.g. a JSON body). Null arguments take their defaults;
   * list entries may themselves be comma-separated.
   */
  public static SearchParams of(
      Integer k,
      Integer offset,
      Collection<String> sources,
      String from,
      String to,
      Collection<String> tags,
      Float minScore) {
    Long fromMillis = parseInstant(FROM, from);
    Long toMillis = parseInstant(TO, to);
    if (fromMillis != null && toMillis != null && fromMillis >= toMillis) {
      throw InvalidQueryException.parameter(FROM + " must be before " + TO);
    }
    SearchFilter filter =
        new SearchFilter(
            FilterValues.validate(SOURCE, splitAll(sources)),
            fromMillis,
            toMillis,
            FilterValues.validate(TAGS, splitAll(tags)));
    return new SearchParams(
        k == null ? DEFAULT_K : k, offset == null ? 0 : offset, filter, minScore);
  }

  /**
   * The {@value #MAX_DISTANCE} query parameter: at most once, an integer in 0..{@value
   * QueryService#MAX_MAX_DISTANCE}, default {@value QueryService#DEFAULT_MAX_DISTANCE}.
   */
  public static int maxDistanceFromQuery(Map<String, List<String>> query) {
    Integer value = parseInt(MAX_DISTANCE, single(query, MAX_DISTANCE));
    int distance = value == null ? QueryService.DEFAULT_MAX_DISTANCE : value;
    QueryService.checkMaxDistance(distance);
    return distance;
  }

  /** Whether a hit with this score is returned. */
  public boolean accepts(float score) {
    return minScore == null || score >= minScore;
  }

  /** The one value of parameter {@code name}, stripped; null when absent or blank. */
  static String single(Map<String, List<String>> query, String name) {
    List<String> values = query.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw InvalidQueryException.parameter(name + " must be given at most once");
    }
    return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0).strip();
  }

  /** {@code value} of parameter {@code name} as an integer; null stays null. */
  static Integer parseInt(String name, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw InvalidQueryException.parameter(
          name + " must be an integer, got " + FilterValues.describe(value));
    }
  }

  private static Float parseMinScore(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Float.valueOf(value);
    } catch (NumberFormatException e) {
      throw InvalidQueryException.parameter(
          MIN_SCORE + " must be a number between -1 and 1, got " + FilterValues.describe(value));
    }
  }

  private static Long parseInstant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim()).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw InvalidQueryException.parameter(
          name
              + " must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got "
              + FilterValues.describe(value));
    }
  }

  private static Set<String> splitAll(Collection<String> values) {
    Set<String> out = new LinkedHashSet<>();
    if (values != null) {
      for (String value : values) {
        if (value != null) {
          Arrays.stream(value.split(","))
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .forEach(out::add);
        }
      }
    }
    return out;
  }
}
