package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Alert;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The alerts read from the alerts topic: a bounded in-memory history per watch (at most {@code
 * perWatch} alerts, the newest by match time, for each of at most {@code maxWatches} watches, the
 * least recently alerted dropped first), read a page at a time ({@link #page}), and the live
 * subscribers of the SSE stream. Alerts are de-duplicated by id (a replay of the job repeats ids)
 * over the last {@code dedupWindow} ids and over the ids a watch's history holds. The history is
 * rebuilt from the topic at start ({@link #restore}, which does not reach the subscribers); until
 * {@link #markCaughtUp} it is incomplete. Thread-safe.
 */
public final class AlertFeed {
  /** Alerts held per watch by default (option {@code alerts.history-per-watch}). */
  public static final int DEFAULT_PER_WATCH = 1000;

  /** Watches whose alerts are held, by default. */
  public static final int DEFAULT_MAX_WATCHES = 10_000;

  /** Recent alert ids de-duplicated by default. */
  public static final int DEFAULT_DEDUP_WINDOW = 100_000;

  /** A page of a watch's history, newest first; {@code next} is null on the last page. */
  public record AlertPage(List<Alert> alerts, AlertCursor next) {
    public AlertPage {
      alerts = List.copyOf(alerts);
    }
  }

  /**
   * A watch's distinct alerts read from the alerts topic (since its retention, or since the watch's
   * history was last dropped) and the match time of the newest, -1 without any.
   */
  public record WatchStats(long alerts, long lastMatchedAtMillis) {
    static final WatchStats NONE = new WatchStats(0, -1);
  }

  private final int perWatch;
  private final Map<String, AlertHistory> history;
  private final Map<String, Boolean> seen;
  private final List<Consumer<Alert>> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private volatile boolean caughtUp;

  public AlertFeed(int perWatch, int maxWatches, int dedupWindow) {
    if (perWatch < 1 || maxWatches < 1 || dedupWindow < 1) {
      throw new IllegalArgumentException("alert feed bounds must be ≥ 1");
    }
    this.perWatch = perWatch;
    this.history =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, AlertHistory> eldest) {
            return size() > maxWatches;
          }
        };
    this.seen =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > dedupWindow;
          }
        };
  }

  /**
   * {@code perWatch} alerts for each of {@value #DEFAULT_MAX_WATCHES} watches, de-duplication over
   * the last {@value #DEFAULT_DEDUP_WINDOW} ids.
   */
  public static AlertFeed holding(int perWatch) {
    return new AlertFeed(perWatch, DEFAULT_MAX_WATCHES, DEFAULT_DEDUP_WINDOW);
  }

  /** Default bounds: {@value #DEFAULT_PER_WATCH} alerts per watch, see {@link #holding}. */
  public static AlertFeed defaults() {
    return holding(DEFAULT_PER_WATCH);
  }

  /**
   * Records a new alert and hands it to every subscriber; returns false (and does nothing) for an
   * id seen before.
   */
  public boolean publish(Alert alert) {
    if (!hold(alert)) {
      return false;
    }
    for (Consumer<Alert> s : subscribers) {
      s.accept(alert);
    }
    return true;
  }

  /**
   * Records an alert of the topic's backlog (read at start) in the history only: the SSE clients
   * get new alerts, not the history again. Returns false for an id seen before.
   */
  public boolean restore(Alert alert) {
    return hold(alert);
  }

  private synchronized boolean hold(Alert alert) {
    if (seen.put(alert.getAlertId(), Boolean.TRUE) != null) {
      return false;
    }
    if (!history
        .computeIfAbsent(alert.getWatchId(), k -> new AlertHistory())
        .add(alert, perWatch)) {
      return false;
    }
    received.incrementAndGet();
    return true;
  }

  /** The history has been rebuilt from everything the topic held at start. */
  public void markCaughtUp() {
    caughtUp = true;
  }

  /** Whether the history holds everything the topic held at start (then {@link #page} is whole). */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Alerts held per watch. */
  public int perWatch() {
    return perWatch;
  }

  /**
   * A page of a watch's alerts, newest first: at most {@code limit} of those strictly older than
   * {@code before} (null: from the newest) whose match time is in {@code [sinceMillis,
   * untilMillis)} (null: unbounded); {@link AlertPage#next} continues it, null when nothing older
   * matches. A page never changes as new alerts arrive: a later page holds what is older than the
   * cursor, whatever arrived since.
   */
  public synchronized AlertPage page(
      String watchId, AlertCursor before, Long sinceMillis, Long untilMillis, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be ≥ 1");
    }
    AlertHistory h = history.get(watchId);
    return h == null
        ? new AlertPage(List.of(), null)
        : h.page(before, sinceMillis, untilMillis, limit);
  }

  /** The alert count and newest alert time of a watch ({@link WatchStats#NONE} without any). */
  public synchronized WatchStats stats(String watchId) {
    AlertHistory h = history.get(watchId);
    return h == null ? WatchStats.NONE : h.stats();
  }

  /** The newest alerts of a watch, newest first, at most {@code limit}. */
  public List<Alert> recent(String watchId, int limit) {
    return page(watchId, null, null, null, limit).alerts();
  }

  /** Drops the history of a deleted watch. */
  public synchronized void forget(String watchId) {
    history.remove(watchId);
  }

  /**
   * Calls {@code subscriber} with every new alert until {@link #unsubscribe}; it must not block.
   */
  public void subscribe(Consumer<Alert> subscriber) {
    subscribers.add(subscriber);
  }

  public void unsubscribe(Consumer<Alert> subscriber) {
    subscribers.remove(subscriber);
  }

  /** Distinct alerts received since start. */
  public long received() {
    return received.get();
  }

  /** Records of the alerts topic that were not alerts, since start. */
  public long undecodable() {
    return undecodable.get();
  }

  /** Counts one more record that was not an alert; returns the new count. */
  public long countUndecodable() {
    return undecodable.incrementAndGet();
  }

  public int subscriberCount() {
    return subscribers.size();
  }

  /** The history sizes by watch, for tests and metrics. */
  synchronized Map<String, Integer> sizes() {
    Map<String, Integer> m = new HashMap<>();
    history.forEach((k, v) -> m.put(k, v.size()));
    return m;
  }
}
