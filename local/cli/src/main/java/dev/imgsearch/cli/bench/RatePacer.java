package dev.imgsearch.cli.bench;

/**
 * Open-loop pacing at a fixed rate: the i-th send is due at {@code start + i / rate}, whatever the
 * previous sends took, so a slow response does not lower the offered rate (no coordinated
 * omission). Pure: the caller supplies the clock.
 */
public final class RatePacer {
  private final long startNanos;
  private final double perSecond;

  public RatePacer(long startNanos, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0, not " + perSecond);
    }
    this.startNanos = startNanos;
    this.perSecond = perSecond;
  }

  /** When send number {@code index} (0-based) is due, in the caller's nano clock. */
  public long dueNanos(long index) {
    return startNanos + Math.round(index * 1_000_000_000.0 / perSecond);
  }

  /**
   * How long to wait before send {@code index} at time {@code nowNanos}; 0 when it is already due
   * or late.
   */
  public long waitNanos(long index, long nowNanos) {
    return Math.max(0, dueNanos(index) - nowNanos);
  }

  /** How many sends are due by {@code nowNanos}. */
  public long dueBy(long nowNanos) {
    if (nowNanos < startNanos) {
      return 0;
    }
    return (long) Math.floor((nowNanos - startNanos) * perSecond / 1_000_000_000.0) + 1;
  }
}
