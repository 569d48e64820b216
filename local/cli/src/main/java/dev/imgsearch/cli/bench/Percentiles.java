package dev.imgsearch.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a sample of durations (milliseconds). Immutable. */
public final class Percentiles {
  private final double[] sorted;

  private Percentiles(double[] sorted) {
    this.sorted = sorted;
  }

  public static Percentiles of(List<Double> samples) {
    double[] a = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return new Percentiles(a);
  }

  public int count() {
    return sorted.length;
  }

  /**
   * The nearest-rank {@code p}-th percentile: the smallest sample such that at least p % of the
   * samples are ≤ it.
   *
   * @throws IllegalStateException when there are no samples
   */
  public double percentile(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalStateException("no samples");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  public double max() {
    if (sorted.length == 0) {
      throw new IllegalStateException("no samples");
    }
    return sorted[sorted.length - 1];
  }

  /** {@code p50 / p95 / p99 / max} formatted in ms, or "no samples". */
  public String summary() {
    if (sorted.length == 0) {
      return "no samples";
    }
    return String.format(
        java.util.Locale.ROOT,
        "p50 %s, p95 %s, p99 %s, max %s (n=%d)",
        ms(percentile(50)),
        ms(percentile(95)),
        ms(percentile(99)),
        ms(max()),
        sorted.length);
  }

  /** The given percentiles in ms for tables, joined by " / " ({@code 12 ms / 15 ms / 40 ms}). */
  public String msAt(double... ps) {
    StringBuilder out = new StringBuilder();
    for (double p : ps) {
      out.append(out.length() == 0 ? "" : " / ").append(ms(percentile(p)));
    }
    return out.toString();
  }

  /** A duration in ms for tables: one decimal below 10 ms, whole ms above. */
  public static String ms(double millis) {
    return millis < 10
        ? String.format(java.util.Locale.ROOT, "%.1f ms", millis)
        : String.format(java.util.Locale.ROOT, "%,.0f ms", millis);
  }
}
