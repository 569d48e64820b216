package dev.imgsearch.cli.bench;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Ingest throughput and backpressure: a burst uploaded as fast as {@code --burst-uploaders} clients
 * can, then up to 5 min until the backlog is drained; and the CPU the stack's processes spent on
 * it, from just before the first upload to the last image searchable (the images were generated
 * before).
 */
public final class ThroughputPhase {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /**
   * @param burst images uploaded
   * @param clients parallel S3 clients
   * @param allSearchable whether every image became searchable within 5 min
   * @param missing images not searchable by then
   * @param throughput images searchable per second from the first upload to the last image seen
   * @param uploadRate images uploaded per second
   * @param backlogAtUploadEnd images not yet searchable when the last upload returned
   * @param peakBacklog the most images pending at once
   * @param drainSeconds from the last upload to the last image seen
   * @param latency upload→searchable, ms
   * @param cpu CPU of the stack's processes over the burst, per searchable image
   */
  public record Result(
      int burst,
      int clients,
      boolean allSearchable,
      int missing,
      double throughput,
      double uploadRate,
      int backlogAtUploadEnd,
      int peakBacklog,
      double drainSeconds,
      Percentiles latency,
      CpuCost cpu) {}

  private ThroughputPhase() {}

  /**
   * @param cpu reads the CPU time of the stack's processes so far
   */
  public static Result run(BenchContext ctx, Supplier<CpuSample> cpu) throws Exception {
    FreshnessTracker tracker = ctx.tracker();
    int burst = ctx.options().burst();
    int clients = ctx.options().burstUploaders();
    System.out.printf("[throughput] burst of %d images from %d clients%n", burst, clients);
    tracker.resetMaxPending();
    CpuSample cpuStart = cpu.get();
    long burstStart = System.nanoTime();
    ctx.uploads().burst("burst", ctx.take(burst), burst, clients);
    long uploadsDone = System.nanoTime();
    double uploadSeconds = (uploadsDone - burstStart) / 1e9;
    int backlogAtUploadEnd = tracker.pending();
    int searchableAtUploadEnd = burst - backlogAtUploadEnd;
    boolean all = ctx.awaitSearchable("throughput", TIMEOUT);
    CpuSample cpuEnd = cpu.get();
    long windowEnd = System.nanoTime();
    int missing = tracker.pending();
    double burstSeconds = (tracker.lastSeenNanos() - burstStart) / 1e9;
    double drainSeconds = Math.max(0, (tracker.lastSeenNanos() - uploadsDone) / 1e9);
    Percentiles latency = Percentiles.of(tracker.drainLatencies());
    tracker.drainSweepMillis(); // the sweeps of this phase are not reported
    double throughput = (burst - missing) / burstSeconds;
    double uploadRate = burst / uploadSeconds;
    double drainRate = drainSeconds > 0 ? backlogAtUploadEnd / drainSeconds : Double.NaN;
    System.out.printf(
        "  uploads: %.1f s = %.1f images/s (%.1f× the pipeline's throughput); %d searchable by then, backlog %d (peak %d)%n",
        uploadSeconds,
        uploadRate,
        uploadRate / throughput,
        searchableAtUploadEnd,
        backlogAtUploadEnd,
        tracker.maxPending());
    System.out.printf(
        "  %d images searchable in %.1f s = %.1f images/s; backlog drained in %.1f s after the last upload (%.1f images/s)%n",
        burst - missing, burstSeconds, throughput, drainSeconds, drainRate);
    CpuCost cost =
        CpuCost.between(cpuStart, cpuEnd, burst - missing, (windowEnd - burstStart) / 1e9);
    System.out.printf(
        "  CPU: %.1f core-ms per image = %.1f images/s per core, %.1f without the JIT compiler (%s: %s; JIT %s)%n",
        cost.coreMsPerImage(),
        cost.imagesPerSecondPerCore(),
        cost.steadyCoreMsPerImage(),
        cost.processNames(),
        cost.perProcess(),
        cost.jit());
    return new Result(
        burst,
        clients,
        all,
        missing,
        throughput,
        uploadRate,
        backlogAtUploadEnd,
        tracker.maxPending(),
        drainSeconds,
        latency,
        cost);
  }
}
