package dev.imgsearch.query;

import java.util.OptionalLong;

/**
 * Finds the newest capture time in a store that can only answer "the capture time of some rows
 * captured at or after t" (a filtered k-NN search). Alternates two probes: "anything newer than the
 * newest seen so far?" (which ends the search as soon as a probe has returned the newest row,
 * typically after 2–3 probes when each probe returns the newest of many rows) and a bisection step
 * of the remaining time range (which bounds the search at about 100 probes).
 */
final class NewestCapture {

  /**
   * Answers with the capture time of some row captured at or after {@code fromMillis} (best: the
   * newest of the rows it looked at), or empty if there is none.
   */
  @FunctionalInterface
  interface Probe {
    OptionalLong anyCapturedAtOrAfter(long fromMillis);
  }

  /** Year 1 and year 10000: the range of ISO-8601 instants the API accepts and prints. */
  static final long MIN_MILLIS = -62_135_596_800_000L;

  static final long MAX_MILLIS = 253_402_300_800_000L;

  private NewestCapture() {}

  /**
   * The largest capture time of any row, or empty if there is none.
   *
   * @param maxProbes bound on store calls; exceeded only by a store that answers inconsistently
   * @throws IllegalStateException if {@code maxProbes} is exhausted
   */
  static OptionalLong find(Probe probe, int maxProbes) {
    OptionalLong first = probe.anyCapturedAtOrAfter(MIN_MILLIS);
    if (first.isEmpty()) {
      return OptionalLong.empty();
    }
    long lo = first.getAsLong(); // a row exists at lo
    long hi = MAX_MILLIS; // no row exists at or after hi (by the API's range)
    int probes = 1;
    while (hi - lo > 1) {
      // anything newer than lo at all? usually not, once a probe has returned the newest row
      probes = count(probes, maxProbes);
      OptionalLong newer = probe.anyCapturedAtOrAfter(lo + 1);
      if (newer.isEmpty()) {
        return OptionalLong.of(lo);
      }
      lo = Math.max(lo + 1, newer.getAsLong());
      if (hi - lo <= 1) {
        break;
      }
      // a bisection step bounds the probes even when the store keeps returning barely newer rows
      probes = count(probes, maxProbes);
      long mid = lo + (hi - lo) / 2;
      OptionalLong found = probe.anyCapturedAtOrAfter(mid);
      if (found.isPresent()) {
        lo = Math.max(mid, found.getAsLong());
      } else {
        hi = mid;
      }
    }
    return OptionalLong.of(lo);
  }

  private static int count(int probes, int maxProbes) {
    if (probes + 1 > maxProbes) {
      throw new IllegalStateException(
          "newest capture time not found within " + maxProbes + " store calls");
    }
    return probes + 1;
  }
}
