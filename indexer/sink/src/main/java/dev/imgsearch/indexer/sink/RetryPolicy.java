package dev.imgsearch.indexer.sink;

import dev.imgsearch.schemas.ExponentialBackoff;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When a failed store call is retried: transient errors only (the server unavailable or restarting,
 * a deadline exceeded, rate limiting), with exponential backoff from {@code initialBackoff}
 * doubling up to {@code maxBackoff}, until {@code maxElapsed} has passed since the first attempt;
 * then the error is final. Pure and serializable.
 *
 * @param initialBackoff wait before the first retry
 * @param maxBackoff cap on one wait
 * @param maxElapsed give up when the next attempt would start later than this after the first one
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxElapsed)
    implements Serializable {
  /**
   * 100 ms doubling to 5 s, for up to 10 min: a restarting Milvus (about 15 s) stalls the job, it
   * does not fail it.
   */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(10));

  /** Fails on the first error. */
  public static final RetryPolicy NONE =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxElapsed, "maxElapsed");
    ExponentialBackoff.requireValid(
        initialBackoff,
        maxBackoff,
        maxElapsed,
        "need 0 < initialBackoff ≤ maxBackoff and maxElapsed ≥ 0: ");
  }

  /**
   * The wait before retry number {@code retry} (1 = the first retry): initial × 2^(retry−1),
   * capped.
   */
  public Duration backoff(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1: " + retry);
    }
    return ExponentialBackoff.delay(initialBackoff, maxBackoff, retry);
  }

  /**
   * What to do after attempt {@code failedAttempts} failed with {@code error}, {@code elapsed}
   * after the first attempt started: the wait before the next attempt, or empty to give up.
   */
  public Optional<Duration> retryAfter(Throwable error, int failedAttempts, Duration elapsed) {
    if (!isTransient(error)) {
      return Optional.empty();
    }
    Duration wait = backoff(failedAttempts);
    return elapsed.plus(wait).compareTo(maxElapsed) > 0 ? Optional.empty() : Optional.of(wait);
  }

  /**
   * Whether {@code error} (or any of its causes) says the call may succeed if repeated unchanged:
   * gRPC UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED, Milvus SDK RPC errors and timeouts,
   * Milvus rate limiting, "not ready" and unavailable service errors. Invalid arguments, missing
   * collections and schema errors are not transient.
   */
  public static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalArgumentException
          || t instanceof IllegalStateException && t.getCause() == null) {
        return false;
      }
      if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
      String type = t.getClass().getName();
      if (type.equals("io.milvus.v2.exception.MilvusClientException")) {
        String code = milvusErrorCode(t);
        if ("RPC_ERROR".equals(code) || "TIMEOUT".equals(code)) {
          return true;
        }
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (type.endsWith("StatusRuntimeException")
          || type.endsWith("StatusException")
          || type.startsWith("io.milvus")
          || type.endsWith("MilvusStoreException")) {
        for (String marker : TRANSIENT_MARKERS) {
          if (message.contains(marker)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static final java.util.List<String> TRANSIENT_MARKERS =
      java.util.List.of(
          "unavailable",
          "deadline_exceeded",
          "deadline exceeded",
          "resource_exhausted",
          "rate limit",
          "ratelimit",
          "not ready",
          "notreadyserve",
          // after a restart the server reloads collections in the background: a write may come
          // first
          "collection not loaded",
          "server is not serving",
          "connection refused",
          "io exception");

  /** The error code of a Milvus client exception (read reflectively), or null. */
  static String milvusErrorCode(Throwable t) {
    try {
      Object code = t.getClass().getMethod("getErrorCode").invoke(t);
      return code == null ? null : code.toString();
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
