package dev.imgsearch.ingest;

import dev.imgsearch.schemas.ExponentialBackoff;
import java.time.Duration;

/**
 * Exponential backoff: {@code initial}, doubled per attempt, capped at {@code max}; attempts stop
 * once {@code budget} (total time spent retrying) is used up. Pure.
 */
public record Backoff(Duration initial, Duration max, Duration budget) {
  public Backoff {
    ExponentialBackoff.requireValid(
        initial, max, budget, "backoff needs 0 < initial <= max and budget >= 0: ");
  }

  /** Delay before retry number {@code attempt} (1 = first retry). */
  public Duration delay(int attempt) {
    return ExponentialBackoff.delay(initial, max, attempt);
  }

  /** Whether another retry fits: {@code elapsed} plus the next delay stays within the budget. */
  public boolean allows(int attempt, Duration elapsed) {
    return elapsed.plus(delay(attempt)).compareTo(budget) <= 0;
  }
}
