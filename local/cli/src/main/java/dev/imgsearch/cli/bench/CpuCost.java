package dev.imgsearch.cli.bench;

import java.util.Locale;

/**
 * CPU consumed between two {@link CpuSample}s for a number of images: core-ms per image and
 * images/s per core, the figures {@code imgsearch plan} counts with. A process whose time is
 * unknown at either end is -1 and left out of the total (the table says so).
 *
 * @param images images that became searchable in the window
 * @param seconds wall-clock length of the window
 * @param pipelineNanos this JVM (Kafka, ingest-stream, the query API and the Flink job as far as
 *     they run in it, and the bench client: uploads, freshness checks) and the stack's service
 *     processes (Kafka nodes, the query API) when they run apart
 * @param jobNanos the Flink job's own processes (JobManager, TaskManagers), -1 when the job runs in
 *     this JVM
 * @param s3Nanos the S3 server child process
 * @param milvusNanos the Milvus processes the bench launched
 * @param jitNanos CPU of the JIT compiler threads of every JVM above, -1 when unknown
 * @param jobJitNanos the part of {@code jitNanos} in the job's own processes, -1 without them
 */
public record CpuCost(
    int images,
    double seconds,
    long pipelineNanos,
    long jobNanos,
    long s3Nanos,
    long milvusNanos,
    long jitNanos,
    long jobJitNanos) {

  /** The CPU between {@code start} and {@code end}, over {@code images}. */
  public static CpuCost between(CpuSample start, CpuSample end, int images, double seconds) {
    return new CpuCost(
        images,
        seconds,
        delta(start.pipelineNanos(), end.pipelineNanos()),
        delta(start.jobNanos(), end.jobNanos()),
        delta(start.s3Nanos(), end.s3Nanos()),
        delta(start.milvusNanos(), end.milvusNanos()),
        delta(start.jitNanos(), end.jitNanos()),
        delta(start.jobJitNanos(), end.jobJitNanos()));
  }

  private static long delta(long start, long end) {
    return start < 0 || end < 0 ? -1 : end - start;
  }

  /** Nanoseconds of CPU of every process whose time is known. */
  public long totalNanos() {
    return Math.max(0, pipelineNanos)
        + Math.max(0, jobNanos)
        + Math.max(0, s3Nanos)
        + Math.max(0, milvusNanos);
  }

  /** Core-ms per image; NaN without images. */
  public double coreMsPerImage() {
    return images > 0 ? totalNanos() / 1e6 / images : Double.NaN;
  }

  /** Images per second one core sustains at {@link #coreMsPerImage}. */
  public double imagesPerSecondPerCore() {
    return 1000 / coreMsPerImage();
  }

  /**
   * Core-ms per image without the JIT compiler's CPU: a stack that runs for hours compiles once, a
   * bench of a few hundred images pays much of its compilation inside the burst. Without a JIT
   * figure, {@link #coreMsPerImage}.
   */
  public double steadyCoreMsPerImage() {
    return images > 0 ? (totalNanos() - Math.max(0, jitNanos)) / 1e6 / images : Double.NaN;
  }

  /** Whether the job ran in processes of its own, so that its CPU is known apart. */
  public boolean jobApart() {
    return jobNanos >= 0;
  }

  /**
   * The job's own processes' core-ms per image without their JIT compiler: the figure a Flink
   * TaskManager's cores are planned with. NaN when the job ran in this JVM or without images.
   */
  public double jobSteadyCoreMsPerImage() {
    return jobApart() && images > 0
        ? (jobNanos - Math.max(0, jobJitNanos)) / 1e6 / images
        : Double.NaN;
  }

  /** Cores busy on average over the window. */
  public double coresBusy() {
    return seconds > 0 ? totalNanos() / 1e9 / seconds : Double.NaN;
  }

  /**
   * {@code 12.3 s / 0.9 s / n/a}: CPU seconds of the pipeline JVM, the S3 server, Milvus; with the
   * job apart, {@code 8.1 s / 4.2 s / 0.9 s / n/a}: the job's processes second.
   */
  String perProcess() {
    return seconds(pipelineNanos)
        + (jobApart() ? " / " + seconds(jobNanos) : "")
        + " / "
        + seconds(s3Nanos)
        + " / "
        + seconds(milvusNanos);
  }

  /** What {@link #perProcess} lists, in its order. */
  String processNames() {
    return jobApart()
        ? "CLI JVM (ingest-stream, bench client) + Kafka nodes + query API / Flink job (JM + TMs) / S3 server / Milvus"
        : "pipeline JVM (+ bench client) / S3 server / Milvus";
  }

  /** {@code 3.1 s}, or n/a: CPU of the JIT compiler threads in the window. */
  String jit() {
    return seconds(jitNanos);
  }

  private static String seconds(long nanos) {
    return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
