package dev.imgsearch.query;

import dev.imgsearch.query.watch.AlertCursor;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The validated parameters of {@code GET /v1/watches/{id}/alerts}: page size, the cursor of the
 * previous page and the match-time window. Every bad value is a 400 {@value
 * InvalidQueryException#INVALID_PARAMETER} naming the parameter. Pure.
 *
 * @param before the {@code nextCursor} of the previous page; null: from the newest
 * @param since match time from (inclusive), epoch ms; null: unbounded
 * @param until match time up to (exclusive), epoch ms; null: unbounded
 */
record AlertHistoryParams(int limit, AlertCursor before, Long since, Long until) {
  /** Most alerts one page returns. */
  static final int MAX_ALERTS = 100;

  /** Alerts a page returns by default. */
  static final int DEFAULT_ALERTS = 20;

  /** From the query parameters ({@code param} gives a parameter's value, or null). */
  static AlertHistoryParams of(Function<String, String> param) {
    int limit = WatchEndpoints.bounded("limit", param.apply("limit"), DEFAULT_ALERTS, MAX_ALERTS);
    AlertCursor before = cursor(param.apply("before"));
    Long since = instant("since", param.apply("since"));
    Long until = instant("until", param.apply("until"));
    if (since != null && until != null && since >= until) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "since must be before until");
    }
    return new AlertHistoryParams(limit, before, since, until);
  }

  /** The {@code before} parameter: null when absent. */
  static AlertCursor cursor(String s) {
    if (s == null) {
      return null;
    }
    try {
      return AlertCursor.decode(s);
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "before must be the nextCursor of a previous page; it " + e.getMessage());
    }
  }

  /** A time parameter: epoch milliseconds or an ISO-8601 instant; null when absent. */
  static Long instant(String name, String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    try {
      return t.matches("-?\\d{1,19}") ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          name
              + " must be epoch milliseconds or an ISO-8601 instant such as 2024-05-01T12:00:00Z,"
              + " got "
              + FilterValues.describe(s));
    }
  }
}
