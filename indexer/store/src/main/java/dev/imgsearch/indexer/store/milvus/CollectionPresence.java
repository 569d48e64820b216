package dev.imgsearch.indexer.store.milvus;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether a store's item collections are there to use, asked of the server as seldom as is safe.
 * Once they exist (found, or created by the first write with items) they are ensured once and not
 * asked about again. While they are absent, a read asks every time (it must see collections a
 * writer created meanwhile), but a write trusts an absence found less than the recheck interval
 * ago: the store that writes the first items creates them and so knows at once, and without this
 * every upsert and delete batch of a store without items asked Milvus twice whether they exist.
 */
final class CollectionPresence {
  /** How long a writer trusts that the collections are absent. */
  static final Duration RECHECK = Duration.ofSeconds(5);

  private final BooleanSupplier exists;
  private final Runnable ensure;
  private final long recheckNanos;
  private final LongSupplier nanoTime;
  private volatile boolean ready;
  private boolean absent;
  private long absentSince;

  /**
   * @param exists asks the server whether any of the collections exists
   * @param ensure creates what is missing, checks and loads them
   */
  CollectionPresence(
      BooleanSupplier exists, Runnable ensure, Duration recheck, LongSupplier nanoTime) {
    if (recheck.isNegative()) {
      throw new IllegalArgumentException("recheck interval must not be negative: " + recheck);
    }
    this.exists = exists;
    this.ensure = ensure;
    this.recheckNanos = recheck.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Whether a read finds the collections (ensured on the first call that finds them). */
  boolean forRead() {
    return ready || ensureIfPresent(false);
  }

  /**
   * Whether a write has collections to write to; creates them when {@code create} (a write with
   * items). False: they do not exist, there is nothing to replace or delete.
   */
  boolean forWrite(boolean create) {
    if (ready) {
      return true;
    }
    synchronized (this) {
      if (!create && absent && nanoTime.getAsLong() - absentSince < recheckNanos) {
        return false;
      }
    }
    return ensureIfPresent(create);
  }

  /** The collections were dropped: the next caller asks again. */
  synchronized void dropped() {
    ready = false;
    absent = false;
  }

  private synchronized boolean ensureIfPresent(boolean create) {
    if (ready) {
      return true;
    }
    if (!create && !exists.getAsBoolean()) {
      absent = true;
      absentSince = nanoTime.getAsLong();
      return false;
    }
    ensure.run();
    absent = false;
    ready = true;
    return true;
  }
}
