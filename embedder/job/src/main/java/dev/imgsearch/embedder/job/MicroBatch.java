package dev.imgsearch.embedder.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A micro-batch: collects items until {@code maxSize} are there or {@code maxDelay} has passed
 * since the first one, whichever comes first. Pure (the caller passes the clock), single-threaded.
 */
public final class MicroBatch<T> {
  private final int maxSize;
  private final long maxDelayMillis;
  private final List<T> items = new ArrayList<>();
  private long firstArrival;

  public MicroBatch(int maxSize, Duration maxDelay) {
    if (maxSize < 1 || maxDelay.isNegative()) {
      throw new IllegalArgumentException("batch size must be ≥ 1 and delay ≥ 0");
    }
    this.maxSize = maxSize;
    this.maxDelayMillis = maxDelay.toMillis();
  }

  /** Adds an item; true when the batch is now full and must be flushed. */
  public boolean add(T item, long nowMillis) {
    if (items.isEmpty()) {
      firstArrival = nowMillis;
    }
    items.add(item);
    return items.size() >= maxSize;
  }

  /**
   * True for the first item of a batch: the caller then schedules a flush at {@link #deadline()}.
   */
  public boolean startedWithLastAdd() {
    return items.size() == 1;
  }

  /** When the current batch must be flushed at the latest. */
  public long deadline() {
    return firstArrival + maxDelayMillis;
  }

  /** Whether a non-empty batch has waited its maximum delay at {@code nowMillis}. */
  public boolean isDue(long nowMillis) {
    return !items.isEmpty() && nowMillis >= deadline();
  }

  public int size() {
    return items.size();
  }

  public boolean isEmpty() {
    return items.isEmpty();
  }

  /** Removes and returns the items in arrival order. */
  public List<T> drain() {
    List<T> out = new ArrayList<>(items);
    items.clear();
    return out;
  }
}
