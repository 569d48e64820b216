package dev.imgsearch.cli.bench;

import java.time.Duration;

/**
 * Upload→searchable latency at a fixed upload rate (open loop), then up to 2 min for the last
 * images.
 */
public final class FreshnessPhase {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /**
   * @param offeredRate the upload rate achieved, images/s
   * @param uploaded images uploaded
   * @param allSearchable whether every image became searchable within 2 min
   * @param missing images not searchable by then
   * @param latency upload→searchable, ms
   * @param sweeps duration of each freshness sweep (the check's resolution), ms
   * @param alerts upload→alert on the SSE stream of the same uploads, or null without watches
   */
  public record Result(
      double offeredRate,
      int uploaded,
      boolean allSearchable,
      int missing,
      Percentiles latency,
      Percentiles sweeps,
      WatchAlerts.Result alerts) {}

  private FreshnessPhase() {}

  public static Result run(BenchContext ctx) throws Exception {
    FreshnessTracker tracker = ctx.tracker();
    int count = ctx.options().freshCount();
    double rate = ctx.options().rate();
    System.out.printf("[freshness] %d images at %.1f/s%n", count, rate);
    WatchAlerts watched = ctx.alerts();
    if (watched != null) {
      watched.startMeasuring();
    }
    double offered = ctx.uploads().paced("fresh", ctx.take(count), count, rate);
    boolean all = ctx.awaitSearchable("freshness", TIMEOUT);
    WatchAlerts.Result alerts = watched == null ? null : watched.result(TIMEOUT);
    int missing = tracker.pending();
    Percentiles latency = Percentiles.of(tracker.drainLatencies());
    Percentiles sweeps = Percentiles.of(tracker.drainSweepMillis());
    System.out.println("  upload→searchable: " + latency.summary());
    System.out.println(
        "  sweep (one batched search per ≤ "
            + FreshnessTracker.MAX_BATCH
            + " pending): "
            + sweeps.summary());
    if (alerts != null) {
      System.out.printf(
          "  upload→alert on the SSE stream (%d watches): %s; no alert after 2 min: %d, repeated: %d%n",
          alerts.watches(), alerts.latency().summary(), alerts.missing(), alerts.copies());
    }
    return new Result(offered, count, all, missing, latency, sweeps, alerts);
  }
}
