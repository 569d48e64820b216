package dev.imgsearch.embedder.watch;

/**
 * The cooldown of a watch per source, on capture (event) time, so that a replay decides exactly as
 * the first run did: after an alert at capture time {@code last}, a match captured less than {@code
 * cooldownMillis} away from it (before or after: frames may arrive out of order) raises no alert.
 * The caller keeps {@code last} per (watch, source).
 */
public final class Cooldown {
  private Cooldown() {}

  /**
   * Whether a match captured at {@code capturedAtMillis} may raise an alert.
   *
   * @param lastAlertAtMillis capture time of the last alert of this watch from this source, or null
   *     for none
   */
  public static boolean allows(Long lastAlertAtMillis, long capturedAtMillis, long cooldownMillis) {
    if (lastAlertAtMillis == null || cooldownMillis <= 0) {
      return true;
    }
    long gap = Math.abs(capturedAtMillis - lastAlertAtMillis);
    return gap >= cooldownMillis;
  }
}
