package dev.imgsearch.query;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fixed number of permits for expensive work (decoding an uploaded image, running the model). A
 * caller waits at most {@code maxWait} for a permit, then is refused with {@link
 * ServerBusyException} (503 + {@code Retry-After}); so the work in flight, and the memory it holds,
 * stays bounded however many requests arrive. Fair: waiters are served in arrival order.
 * Thread-safe.
 */
final class PermitPool {

  /** A granted permit; closing it (once or more) gives it back. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private final String what;
  private final int permits;
  private final Duration maxWait;
  private final Semaphore semaphore;

  /**
   * @param what the kind of work, for the refusal message
   * @param permits how many may run at once, at least 1
   * @param maxWait how long a caller waits for a permit; zero refuses at once when none is free
   */
  PermitPool(String what, int permits, Duration maxWait) {
    this.what = Objects.requireNonNull(what, "what");
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, got " + permits);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
    }
    this.permits = permits;
    this.semaphore = new Semaphore(permits, true);
  }

  /**
   * Takes a permit, waiting at most {@code maxWait}.
   *
   * @throws ServerBusyException if none became free in time, or the wait was interrupted (the
   *     interrupt is kept)
   */
  Permit acquire() {
    boolean granted;
    try {
      granted = semaphore.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      granted = false;
    }
    if (!granted) {
      throw new ServerBusyException(
          "the server is busy: "
              + permits
              + " "
              + what
              + " operations are running and none finished within "
              + maxWait.toMillis()
              + " ms; retry later",
          retryAfterSeconds());
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        semaphore.release();
      }
    };
  }

  /** Permits free right now. */
  int available() {
    return semaphore.availablePermits();
  }

  /** The Retry-After a refused caller gets: the wait rounded up to whole seconds, at least 1. */
  long retryAfterSeconds() {
    long millis = maxWait.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
