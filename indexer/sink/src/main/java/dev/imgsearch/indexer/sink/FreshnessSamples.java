package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * End-to-end freshness, upload → searchable: the event times of the changes written since the last
 * checkpoint, turned into ages ({@code now - eventTimeMillis}) when the checkpoint has made them
 * durable (and, for the embedded store, visible). Bounded: past {@code capacity} changes between
 * two checkpoints, a uniform sample of {@code capacity} of them is kept (reservoir sampling), so
 * the quantiles stay representative and memory stays fixed. Changes without an event time (≤ 0) are
 * not counted. Thread-safe (the writer thread adds, the task thread drains).
 */
public final class FreshnessSamples {
  /** Default bound of event times kept between two checkpoints. */
  public static final int DEFAULT_CAPACITY = 4_096;

  private final long[] eventTimes;
  private final SplittableRandom random;
  private int size;
  private long seen;

  public FreshnessSamples() {
    this(DEFAULT_CAPACITY, 42L);
  }

  public FreshnessSamples(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be ≥ 1, was " + capacity);
    }
    this.eventTimes = new long[capacity];
    this.random = new SplittableRandom(seed);
  }

  /** Notes a change the store acknowledged; ignored when it carries no event time. */
  public synchronized void written(IndexAction action) {
    long t = action.eventTimeMillis();
    if (t <= 0) {
      return;
    }
    seen++;
    if (size < eventTimes.length) {
      eventTimes[size++] = t;
    } else {
      long slot = random.nextLong(seen);
      if (slot < eventTimes.length) {
        eventTimes[(int) slot] = t;
      }
    }
  }

  /**
   * The checkpoint made the noted changes durable at {@code nowMillis}: passes each one's age in ms
   * ({@code now - eventTime}, never negative: a clock skew between the object store and this task
   * counts as 0) to {@code ages} and forgets them. Returns how many changes were noted since the
   * last drain (≥ the ages passed when sampled).
   */
  public synchronized long drain(long nowMillis, LongConsumer ages) {
    long[] batch = Arrays.copyOf(eventTimes, size);
    long n = seen;
    size = 0;
    seen = 0;
    for (long t : batch) {
      ages.accept(Math.max(0, nowMillis - t));
    }
    return n;
  }

  /** Changes noted since the last drain. */
  public synchronized long pending() {
    return seen;
  }
}
