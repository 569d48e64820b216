package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Alert;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.Objects;

/**
 * A position in a watch's alert history: the alerts are ordered by match time, then by alert id
 * (deterministic, so every API instance and every restart orders the same alerts the same way). Its
 * text form ({@link #encode}) is opaque to clients: base64url of {@code
 * <matchedAtMillis>:<alertId>}. A page "before" a cursor holds the alerts strictly older than it,
 * so an alert arriving later never shifts a page. Pure.
 */
public record AlertCursor(long matchedAtMillis, String alertId) implements Comparable<AlertCursor> {
  /** Longest cursor text accepted. */
  public static final int MAX_LENGTH = 512;

  private static final Comparator<AlertCursor> ORDER =
      Comparator.comparingLong(AlertCursor::matchedAtMillis).thenComparing(AlertCursor::alertId);

  public AlertCursor {
    Objects.requireNonNull(alertId, "alertId");
  }

  /** The position of {@code alert}. */
  public static AlertCursor of(Alert alert) {
    return new AlertCursor(alert.getMatchedAtMillis(), alert.getAlertId());
  }

  /** Oldest first (a page walks it backwards). */
  @Override
  public int compareTo(AlertCursor o) {
    return ORDER.compare(this, o);
  }

  /** The opaque text form a response carries as {@code nextCursor}. */
  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((matchedAtMillis + ":" + alertId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor {@link #encode} wrote.
   *
   * @throws IllegalArgumentException saying why {@code text} is not one
   */
  public static AlertCursor decode(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a cursor of this API (not base64url)", e);
    }
    int colon = plain.indexOf(':');
    if (colon <= 0 || colon == plain.length() - 1) {
      throw new IllegalArgumentException("is not a cursor of this API");
    }
    try {
      return new AlertCursor(Long.parseLong(plain.substring(0, colon)), plain.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a cursor of this API", e);
    }
  }
}
