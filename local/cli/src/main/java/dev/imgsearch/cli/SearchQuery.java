package dev.imgsearch.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The query string of {@code imgsearch search}: the query API's search parameters ({@code k},
 * {@code offset}, {@code source}, {@code tags}, {@code from}, {@code to}, {@code minScore}; see
 * query-api/README.md), checked with the API's rules before anything is sent so that a mistake is a
 * usage error, not a round trip. Pure.
 */
final class SearchQuery {
  static final int MAX_K = 1000;
  static final int MAX_WINDOW = 10_000;
  static final Pattern IMAGE_ID = Pattern.compile("[0-9a-f]{32}");

  private SearchQuery() {}

  /**
   * @param from ISO-8601 instant (offsets allowed) or null; inclusive
   * @param to ISO-8601 instant or null; exclusive, after {@code from}
   * @param minScore -1..1 or null
   * @throws IllegalArgumentException naming the option
   */
  static String queryString(
      int k,
      int offset,
      Collection<String> sources,
      Collection<String> tags,
      String from,
      String to,
      Double minScore) {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("-k must be between 1 and " + MAX_K + ", got " + k);
    }
    if (offset < 0 || offset > MAX_WINDOW - k) {
      throw new IllegalArgumentException(
          "--offset must be between 0 and " + MAX_WINDOW + " - k, got " + offset);
    }
    Instant fromInstant = instant("--from", from);
    Instant toInstant = instant("--to", to);
    if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
      throw new IllegalArgumentException("--from must be before --to");
    }
    if (minScore != null && (minScore.isNaN() || minScore < -1 || minScore > 1)) {
      throw new IllegalArgumentException("--min-score must be between -1 and 1, got " + minScore);
    }
    List<String> params = new ArrayList<>();
    params.add("k=" + k);
    if (offset > 0) {
      params.add("offset=" + offset);
    }
    for (String s : values("--source", sources)) {
      params.add("source=" + encode(s));
    }
    for (String t : values("--tags", tags)) {
      params.add("tags=" + encode(t));
    }
    if (fromInstant != null) {
      params.add("from=" + encode(fromInstant.toString()));
    }
    if (toInstant != null) {
      params.add("to=" + encode(toInstant.toString()));
    }
    if (minScore != null) {
      params.add("minScore=" + minScore);
    }
    return String.join("&", params);
  }

  /** An image id as the API names them (32 lower-case hex characters). */
  static String imageId(String id) {
    if (id == null || !IMAGE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "--id must be an image id (32 lower-case hex characters), got '" + id + "'");
    }
    return id;
  }

  /** ISO-8601 instant, with Z or an offset ({@code 2024-05-01T12:00:00+02:00}). */
  private static Instant instant(String option, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option
              + " must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got '"
              + value
              + "'");
    }
  }

  /** Comma-separated and/or repeated values, trimmed, checked like the API's filter allow-list. */
  private static List<String> values(String option, Collection<String> raw) {
    List<String> out = new ArrayList<>();
    for (String value : raw == null ? List.<String>of() : raw) {
      for (String v : value.split(",")) {
        String s = v.strip();
        if (s.isEmpty() || out.contains(s)) {
          continue;
        }
        if (!FILTER_VALUE.matcher(s).matches()) {
          throw new IllegalArgumentException(
              option
                  + " values may only contain letters, digits, spaces and . _ - : / @ + = # (at most 128 characters); rejected '"
                  + s
                  + "'");
        }
        out.add(s);
      }
    }
    if (out.size() > 64) {
      throw new IllegalArgumentException(option + " accepts at most 64 values, got " + out.size());
    }
    return out;
  }

  /** The query API's allow-list for source and tag values (its {@code FilterValues}). */
  static final Pattern FILTER_VALUE = Pattern.compile("[\\p{L}\\p{M}\\p{N} ._\\-:/@+=#]{1,128}");

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
