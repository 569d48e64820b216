package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One watch's alerts in {@link AlertCursor} order, each id once, at most {@code bound} of them (the
 * oldest dropped first). Not thread-safe: {@link AlertFeed} guards it.
 */
final class AlertHistory {
  private final NavigableMap<AlertCursor, Alert> byTime = new TreeMap<>();
  private final Map<String, AlertCursor> byId = new HashMap<>();
  private long total;
  private long lastMatchedAtMillis = -1;

  /**
   * Adds {@code alert} unless its id is held; returns false for a held id. An alert older than the
   * {@code bound} newest is dropped at once (still true: it was new).
   */
  boolean add(Alert alert, int bound) {
    if (byId.containsKey(alert.getAlertId())) {
      return false;
    }
    AlertCursor at = AlertCursor.of(alert);
    byTime.put(at, alert);
    byId.put(at.alertId(), at);
    while (byTime.size() > bound) {
      byId.remove(byTime.pollFirstEntry().getKey().alertId());
    }
    total++;
    lastMatchedAtMillis = Math.max(lastMatchedAtMillis, at.matchedAtMillis());
    return true;
  }

  /** Distinct alerts added so far (also those dropped by the bound since) and the newest time. */
  AlertFeed.WatchStats stats() {
    return new AlertFeed.WatchStats(total, lastMatchedAtMillis);
  }

  int size() {
    return byTime.size();
  }

  /** A page of the alerts held, newest first; see {@link AlertFeed#page}. */
  AlertFeed.AlertPage page(AlertCursor before, Long sinceMillis, Long untilMillis, int limit) {
    AlertCursor upper = before;
    if (untilMillis != null) {
      AlertCursor until = new AlertCursor(untilMillis, ""); // "" sorts before every id
      if (upper == null || until.compareTo(upper) < 0) {
        upper = until;
      }
    }
    NavigableMap<AlertCursor, Alert> older =
        upper == null ? byTime.descendingMap() : byTime.headMap(upper, false).descendingMap();
    List<Alert> out = new ArrayList<>(Math.min(limit, older.size()));
    for (Map.Entry<AlertCursor, Alert> e : older.entrySet()) {
      if (sinceMillis != null && e.getKey().matchedAtMillis() < sinceMillis) {
        break;
      }
      if (out.size() == limit) {
        return new AlertFeed.AlertPage(out, AlertCursor.of(out.get(out.size() - 1)));
      }
      out.add(e.getValue());
    }
    return new AlertFeed.AlertPage(out, null);
  }
}
