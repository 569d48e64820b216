package dev.imgsearch.schemas;

import java.time.Duration;

/**
 * The bounds every exponential backoff of the stages obeys: a first wait above zero, a cap not
 * below it, and a retry budget that is not negative. Pure.
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
}
