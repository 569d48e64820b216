package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.ExponentialBackoff;
import java.time.Duration;

/**
 * What to do after one webhook attempt, and how long to wait before the next. 2xx: delivered. 5xx,
 * 408, 429, a timeout or a connection error: tried again after an exponential backoff ({@link
 * #backoff}) until {@code maxAttempts}. Any other status (4xx, and 3xx: redirects are not followed)
 * gives up at once: the receiver refused the alert and would refuse it again. Pure.
 */
public final class WebhookRetry {
  /** Wait before the second attempt; doubled before each further one. */
  public static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

  /** Longest wait between two attempts. */
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How one attempt ended; also the {@code outcome} tag of the delivery metrics (bounded). */
  public enum Outcome {
    DELIVERED("delivered", false),
    REJECTED("rejected", false),
    UNAVAILABLE("unavailable", true),
    TIMEOUT("timeout", true),
    CONNECTION("connection", true);

    private final String tag;
    private final boolean retryable;

    Outcome(String tag, boolean retryable) {
      this.tag = tag;
      this.retryable = retryable;
    }

    public String tag() {
      return tag;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private WebhookRetry() {}

  /** The outcome of an attempt the receiver answered with {@code status}. */
  public static Outcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.DELIVERED;
    }
    if (status >= 500 || status == 408 || status == 429) {
      return Outcome.UNAVAILABLE;
    }
    return Outcome.REJECTED;
  }

  /**
   * Whether attempt number {@code attempt} (1-based) that ended with {@code o} is followed by
   * another.
   */
  public static boolean retries(Outcome o, int attempt, int maxAttempts) {
    return o.retryable() && attempt < maxAttempts;
  }

  /** The wait after failed attempt {@code attempt} (1-based): 0.5 s, 1 s, 2 s, … at most 30 s. */
  public static Duration backoff(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt is 1-based, got " + attempt);
    }
    return ExponentialBackoff.delay(FIRST_BACKOFF, MAX_BACKOFF, attempt);
  }
}
