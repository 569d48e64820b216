package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Alert;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The alerts read from the alerts topic: a bounded in-memory history per watch (newest first, at
 * most {@code perWatch} alerts for each of at most {@code maxWatches} watches, the least recently
 * alerted dropped first) and the live subscribers of the SSE stream. Alerts are de-duplicated by id
 * (a replay of the job repeats ids) over the last {@code dedupWindow} ids. The history does not
 * survive a restart beyond what the consumer re-reads. Thread-safe.
 */
public final class AlertFeed {
  private final int perWatch;
  private final Map<String, Deque<Alert>> history;
  private final Map<String, Boolean> seen;
  private final List<Consumer<Alert>> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();

  public AlertFeed(int perWatch, int maxWatches, int dedupWindow) {
    if (perWatch < 1 || maxWatches < 1 || dedupWindow < 1) {
      throw new IllegalArgumentException("alert feed bounds must be ≥ 1");
    }
    this.perWatch = perWatch;
    this.history =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Deque<Alert>> eldest) {
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
   * Default bounds: 100 alerts for each of 10 000 watches, de-duplication over the last 100 000
   * ids.
   */
  public static AlertFeed defaults() {
    return new AlertFeed(100, 10_000, 100_000);
  }

  /**
   * Records an alert and hands it to every subscriber; returns false (and does nothing) for an id
   * seen before.
   */
  public boolean publish(Alert alert) {
    synchronized (this) {
      if (seen.put(alert.getAlertId(), Boolean.TRUE) != null) {
        return false;
      }
      received.incrementAndGet();
      Deque<Alert> d = history.computeIfAbsent(alert.getWatchId(), k -> new ArrayDeque<>());
      d.addFirst(alert);
      while (d.size() > perWatch) {
        d.removeLast();
      }
    }
    for (Consumer<Alert> s : subscribers) {
      s.accept(alert);
    }
    return true;
  }

  /** The newest alerts of a watch, newest first, at most {@code limit}. */
  public synchronized List<Alert> recent(String watchId, int limit) {
    Deque<Alert> d = history.get(watchId);
    if (d == null) {
      return List.of();
    }
    List<Alert> out = new ArrayList<>(Math.min(limit, d.size()));
    for (Alert a : d) {
      if (out.size() >= limit) {
        break;
      }
      out.add(a);
    }
    return out;
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
