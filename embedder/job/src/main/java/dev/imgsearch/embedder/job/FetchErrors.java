package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.ExponentialBackoff;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a failed object fetch means, decided from the error alone. Pure.
 *
 * <ul>
 *   <li>{@link Kind#MISSING}: {@code NoSuchKey} / {@code NoSuchBucket} (deleted before it was
 *       fetched): skipped.
 *   <li>{@link Kind#TRANSIENT}: the store or the network — 5xx, throttling (429, 503 {@code
 *       SlowDown}), 408 and {@code RequestTimeout}, timeouts, refused or cut connections — or the
 *       job's credentials ({@code InvalidAccessKeyId}, {@code SignatureDoesNotMatch}, expired
 *       tokens: no fetch can succeed, so no record is to blame): retried with backoff, then the
 *       task fails and the job restarts from its checkpoint (nothing is lost).
 *   <li>{@link Kind#PERMANENT}: the request can never succeed — any other 4xx ({@code
 *       AccessDenied}, {@code InvalidRequest}, invalid bucket or object names, …) or a name the SDK
 *       refuses to send: dead letter {@value #FETCH_FAILED}.
 *   <li>{@link Kind#UNKNOWN}: anything else: retried a few times, then dead letter {@value
 *       #FETCH_FAILED}.
 * </ul>
 */
public final class FetchErrors {
  /**
   * Dead-letter reason of an object that cannot be fetched (the S3 error code is in the detail).
   */
  public static final String FETCH_FAILED = "fetch-failed";

  /** Dead-letter reason of an object over the fetch size limit ({@code fetch.max-bytes}). */
  public static final String OBJECT_TOO_LARGE = "object-too-large";

  /** The kind of a fetch error. */
  public enum Kind {
    MISSING,
    TRANSIENT,
    PERMANENT,
    UNKNOWN
  }

  private static final Set<String> MISSING_CODES = Set.of("NoSuchKey", "NoSuchBucket");
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "SlowDownRead",
          "Throttling",
          "ThrottlingException",
          "TooManyRequests",
          "RequestLimitExceeded",
          "RequestTimeout",
          "RequestTimeTooSkewed",
          "ServiceUnavailable",
          "InternalError",
          "XMinioServerNotInitialized",
          "XMinioReadQuorum",
          "XMinioWriteQuorum",
          "XMinioStorageFull",
          // the job's credentials, not the record: every fetch fails alike, so it is treated as an
          // outage (the task
          // fails and restarts) instead of dead-lettering the whole stream
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired",
          "AccountProblem");
  private static final Set<String> PERMANENT_CODES =
      Set.of(
          "AccessDenied",
          "InvalidRequest",
          "InvalidBucketName",
          "InvalidObjectName",
          "XMinioInvalidObjectName",
          "KeyTooLongError",
          "InvalidArgument",
          "InvalidObjectState",
          "MethodNotAllowed",
          "InvalidRange");

  private FetchErrors() {}

  /**
   * @param s3Code the S3 error code of the response, or null
   * @param httpStatus the HTTP status of the response, 0 when there is none
   * @param error the exception when there is no S3 error response, or null
   */
  public static Kind classify(String s3Code, int httpStatus, Throwable error) {
    if (s3Code != null && MISSING_CODES.contains(s3Code)) {
      return Kind.MISSING;
    }
    if (s3Code != null && TRANSIENT_CODES.contains(s3Code)
        || httpStatus == 408
        || httpStatus == 429
        || httpStatus >= 500) {
      return Kind.TRANSIENT;
    }
    if (s3Code != null && PERMANENT_CODES.contains(s3Code)
        || httpStatus >= 400 && httpStatus < 500) {
      return Kind.PERMANENT;
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return Kind.PERMANENT; // the SDK refused to build the request (bucket or object name)
      }
      if (t instanceof IOException) {
        return Kind.TRANSIENT; // timeouts, refused / reset connections, a body cut short
      }
    }
    return Kind.UNKNOWN;
  }

  /** Why an object of {@code size} bytes (null: not known) is not fetched, or null. */
  public static String sizeViolation(Long size, long maxBytes) {
    return size != null && size > maxBytes
        ? "object of " + size + " bytes, at most " + maxBytes
        : null;
  }

  /** What to do after a failed attempt. */
  public record Action(String what, Duration delay) {
    public static final Action FAIL_TASK = new Action("fail-task", null);
    public static final Action DEAD_LETTER = new Action("dead-letter", null);
    public static final Action MISSING = new Action("missing", null);

    public static Action retry(Duration wait) {
      return new Action("retry", Objects.requireNonNull(wait));
    }

    public boolean isRetry() {
      return delay != null;
    }
  }

  /**
   * Retries: transient errors with backoff from {@code initialBackoff} doubling to {@code
   * maxBackoff} until {@code maxElapsed} (then the task fails); unknown errors at most {@code
   * unknownAttempts} attempts (then a dead letter).
   */
  public record Policy(
      Duration initialBackoff, Duration maxBackoff, Duration maxElapsed, int unknownAttempts)
      implements Serializable {
    /** 200 ms doubling to 5 s for up to 2 min; 3 attempts for unknown errors. */
    public static final Policy DEFAULT =
        new Policy(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(2), 3);

    public Policy {
      if (unknownAttempts < 1) {
        throw new IllegalArgumentException("bad fetch retry policy");
      }
      ExponentialBackoff.requireValid(
          initialBackoff, maxBackoff, maxElapsed, "bad fetch retry policy: ");
    }

    /** The wait before retry {@code retry} (1 = the first). */
    public Duration backoff(int retry) {
      return ExponentialBackoff.delay(initialBackoff, maxBackoff, retry);
    }

    /**
     * After attempt {@code failedAttempts} failed with {@code kind}, {@code elapsed} after the
     * first began.
     */
    public Action next(Kind kind, int failedAttempts, Duration elapsed) {
      return switch (kind) {
        case MISSING -> Action.MISSING;
        case PERMANENT -> Action.DEAD_LETTER;
        case UNKNOWN ->
            failedAttempts >= unknownAttempts
                ? Action.DEAD_LETTER
                : Action.retry(backoff(failedAttempts));
        case TRANSIENT -> {
          Duration wait = backoff(failedAttempts);
          yield elapsed.plus(wait).compareTo(maxElapsed) > 0
              ? Action.FAIL_TASK
              : Action.retry(wait);
        }
      };
    }
  }
}
