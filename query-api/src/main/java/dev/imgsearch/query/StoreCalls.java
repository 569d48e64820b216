package dev.imgsearch.query;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs vector-store calls on threads of their own and waits for each at most the store timeout. A
 * call that times out surfaces as {@link StoreTimeoutException} (504) and is not interrupted (an
 * interrupt can close a Lucene index's file channels): it finishes in the background. At most
 * {@value #MAX_CONCURRENT_STORE_CALLS} calls run at once, timed-out ones included until they
 * return; more are refused with {@link StoreUnavailableException}. Thread-safe.
 */
final class StoreCalls implements AutoCloseable {

  /** Store calls in flight at once (timed-out calls included until they return). */
  static final int MAX_CONCURRENT_STORE_CALLS = 256;

  private final Duration timeout;
  private final ThreadPoolExecutor executor;

  /**
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  StoreCalls(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("storeTimeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            0,
            MAX_CONCURRENT_STORE_CALLS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "query-store-call-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The bound on each call. */
  Duration timeout() {
    return timeout;
  }

  /**
   * The {@link System#nanoTime()} one store timeout from now: a shared deadline for several calls.
   */
  long deadline() {
    return System.nanoTime() + timeout.toNanos();
  }

  /** Runs one call, waiting at most the store timeout. */
  <T> T call(Supplier<T> call) {
    return call(call, deadline());
  }

  /** Runs one call, waiting at most until {@code deadlineNanos} ({@link System#nanoTime()}). */
  <T> T call(Supplier<T> call, long deadlineNanos) {
    long waitNanos = deadlineNanos - System.nanoTime();
    if (waitNanos <= 0) {
      throw new StoreTimeoutException(
          "vector store did not answer within " + timeout.toMillis() + " ms", null);
    }
    Future<T> future;
    try {
      future = executor.submit(call::get);
    } catch (RejectedExecutionException e) {
      throw new StoreUnavailableException(
          "vector store busy: " + MAX_CONCURRENT_STORE_CALLS + " calls in flight", e);
    }
    try {
      return future.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new StoreTimeoutException(
          "vector store did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StoreUnavailableException("vector store failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new StoreUnavailableException("interrupted while waiting for the vector store", e);
    }
  }

  /** Lets calls in flight finish, accepts no new ones. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
