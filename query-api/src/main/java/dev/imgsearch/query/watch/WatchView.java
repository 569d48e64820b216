package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Watch;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The watches as the compacted topic holds them: a map from id to the latest value, a tombstone
 * removing the id. Fed by a consumer that reads the topic from its beginning; {@link #ready()} once
 * it has caught up with the end offsets it saw at start. Thread-safe.
 */
public final class WatchView {
  private final ConcurrentSkipListMap<String, Watch> watches = new ConcurrentSkipListMap<>();
  private volatile boolean ready;
  private volatile long updatedAtMillis;

  /**
   * Applies one record of the topic: {@code watch} null (a tombstone, or a value that is not a
   * watch) removes it.
   */
  public void apply(String id, Watch watch) {
    if (id == null) {
      return;
    }
    if (watch == null) {
      watches.remove(id);
    } else {
      watches.put(id, watch);
    }
    updatedAtMillis = System.currentTimeMillis();
  }

  /** Marks the view caught up with the topic. */
  public void markReady() {
    ready = true;
  }

  /** Whether the topic has been read up to the end it had at start. */
  public boolean ready() {
    return ready;
  }

  public Optional<Watch> get(String id) {
    return Optional.ofNullable(watches.get(id));
  }

  /** All watches, by id. */
  public List<Watch> list() {
    return List.copyOf(watches.values());
  }

  public int size() {
    return watches.size();
  }
}
