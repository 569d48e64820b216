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
 * The validated options of one search: how many results, which rows qualify, and the lowest score returned.
 *
 * <p>Built from URL query parameters ({@link #fromQuery}) or from the fields of a JSON body ({@link #of}); both apply
 * the same rules and throw {@link InvalidQueryException} naming the offending parameter.
 *
 * @param k maximum number of results, {@value #MIN_K}..{@value #MAX_K}
 * @param filter rows that qualify
 * @param minScore results scoring below this are dropped; {@code null} means no threshold
 */
public record SearchParams(int k, SearchFilter filter, Float minScore) {

  public static final int DEFAULT_K = 10;
  public static final int MIN_K = 1;
  public static final int MAX_K = 1000;

  public static final String K = "k";
  public static final String SOURCE = "source";
  public static final String FROM = "from";
  public static final String TO = "to";
  public static final String TAGS = "tags";
  public static final String MIN_SCORE = "minScore";

  public SearchParams {
    if (k < MIN_K || k > MAX_K) {
      throw invalid(K + " must be between " + MIN_K + " and " + MAX_K + ", got " + k);
    }
    filter = filter == null ? SearchFilter.NONE : filter;
    if (minScore != null && (!Float.isFinite(minScore) || minScore < -1f || minScore > 1f)) {
      throw invalid(MIN_SCORE + " must be a number between -1 and 1, got " + minScore);
    }
  }

  /** Default k, no filter, no threshold. */
  public static SearchParams defaults() {
    return new SearchParams(DEFAULT_K, SearchFilter.NONE, null);
  }

  /**
   * Parses URL query parameters. {@code source} and {@code tags} may repeat and/or hold comma-separated values; the
   * other parameters may appear at most once. Unknown parameters are ignored.
   */
  public static SearchParams fromQuery(Map<String, List<String>> query) {
    return of(
        parseK(single(query, K)),
        query.getOrDefault(SOURCE, List.of()),
        single(query, FROM),
        single(query, TO),
        query.getOrDefault(TAGS, List.of()),
        parseMinScore(single(query, MIN_SCORE)));
  }

  /**
   * Builds params from already-typed values (e.g. a JSON body). Null arguments take their defaults; list entries may
   * themselves be comma-separated.
   */
  public static SearchParams of(
      Integer k, Collection<String> sources, String from, String to, Collection<String> tags, Float minScore) {
    Long fromMillis = parseInstant(FROM, from);
    Long toMillis = parseInstant(TO, to);
    if (fromMillis != null && toMillis != null && fromMillis >= toMillis) {
      throw invalid(FROM + " must be before " + TO + " (" + from + " >= " + to + ")");
    }
    SearchFilter filter = new SearchFilter(splitAll(sources), fromMillis, toMillis, splitAll(tags));
    return new SearchParams(k == null ? DEFAULT_K : k, filter, minScore);
  }

  /** Whether a hit with this score is returned. */
  public boolean accepts(float score) {
    return minScore == null || score >= minScore;
  }

  private static String single(Map<String, List<String>> query, String name) {
    List<String> values = query.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw invalid(name + " must be given at most once");
    }
    return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0).trim();
  }

  private static Integer parseK(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw invalid(K + " must be an integer between " + MIN_K + " and " + MAX_K + ", got '" + value + "'");
    }
  }

  private static Float parseMinScore(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Float.valueOf(value);
    } catch (NumberFormatException e) {
      throw invalid(MIN_SCORE + " must be a number between -1 and 1, got '" + value + "'");
    }
  }

  private static Long parseInstant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim()).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw invalid(name + " must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got '" + value + "'");
    }
  }

  private static Set<String> splitAll(Collection<String> values) {
    Set<String> out = new LinkedHashSet<>();
    if (values != null) {
      for (String value : values) {
        if (value != null) {
          Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
      }
    }
    return out;
  }

  private static InvalidQueryException invalid(String message) {
    return new InvalidQueryException(InvalidQueryException.INVALID_PARAMETER, message);
  }
}
