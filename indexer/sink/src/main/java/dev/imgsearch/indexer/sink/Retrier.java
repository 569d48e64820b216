package dev.imgsearch.indexer.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a store call under a {@link RetryPolicy}; clock and sleep are injectable so the policy is
 * tested purely.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Waits; {@link Thread#sleep} in production. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Called before each retry. */
  @FunctionalInterface
  public interface RetryListener {
    void retrying(String operation, int failedAttempts, Duration wait, Throwable error);
  }

  private final RetryPolicy policy;
  private final LongSupplier nanoClock;
  private final Sleeper sleeper;
  private final RetryListener listener;

  public Retrier(
      RetryPolicy policy, LongSupplier nanoClock, Sleeper sleeper, RetryListener listener) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The system clock and {@link Thread#sleep}. */
  public static Retrier of(RetryPolicy policy, RetryListener listener) {
    return new Retrier(policy, System::nanoTime, d -> Thread.sleep(d.toMillis()), listener);
  }

  /**
   * Runs {@code call} until it succeeds, retrying transient failures as the policy allows; the last
   * failure is rethrown as is.
   *
   * @throws InterruptedException when interrupted while waiting to retry
   */
  public void run(String operation, Runnable call) throws InterruptedException {
    long start = nanoClock.getAsLong();
    for (int failed = 1; ; failed++) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        Optional<Duration> wait = policy.retryAfter(e, failed, elapsed);
        if (wait.isEmpty()) {
          throw e;
        }
        LOG.warn(
            "{} failed (attempt {}, {} ms since the first), retrying in {} ms: {}",
            operation,
            failed,
            elapsed.toMillis(),
            wait.get().toMillis(),
            e.toString());
        listener.retrying(operation, failed, wait.get(), e);
        sleeper.sleep(wait.get());
      }
    }
  }
}
