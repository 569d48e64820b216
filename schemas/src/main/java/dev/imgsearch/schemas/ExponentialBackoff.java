package dev.imgsearch.schemas;

import java.time.Duration;

/**
 * The exponential backoff every stage retries with: the wait before retry {@code n} is {@code
 * initial × 2^(n−1)}, capped at {@code max} ({@link #delay}); and the bounds it obeys: a first wait
 * above zero, a cap not below it, and a retry budget that is not negative ({@link #requireValid}).
 * Pure.
 */
public final class ExponentialBackoff {
  private ExponentialBackoff() {}

  /**
   * Checks {@code 0 < initial ≤ max} and {@code budget ≥ 0}.
   *
   * @param requirement the start of the error message, stating the rule in the caller's terms; the
   *     three values follow it, separated by commas
   * @throws IllegalArgumentException when the bounds do not hold
   */
  public static void requireValid(
      Duration initial, Duration max, Duration budget, String requirement) {
    if (initial.isNegative()
        || initial.isZero()
        || max.compareTo(initial) < 0
        || budget.isNegative()) {
      throw new IllegalArgumentException(requirement + initial + ", " + max + ", " + budget);
    }
  }

  /**
   * The wait before retry number {@code attempt} (1 = the first retry): {@code initial} doubled
   * {@code attempt − 1} times, at most {@code max}; {@code initial} for an attempt below 2 (callers
   * that number attempts from 1 reject smaller ones themselves).
   */
  public static Duration delay(Duration initial, Duration max, int attempt) {
    Duration d = initial;
    for (int i = 1; i < attempt && !d.isZero() && d.compareTo(max) < 0; i++) {
      d = d.compareTo(max.dividedBy(2)) > 0 ? max : d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
