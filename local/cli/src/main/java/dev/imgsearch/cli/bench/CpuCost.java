package dev.imgsearch.cli.bench;

import java.util.Locale;

/**
 * CPU consumed between two {@link CpuSample}s for a number of images: core-ms per image and
 * images/s per core, the figures {@code imgsearch plan} counts with. A process whose time is
 * unknown at either end is -1 and left out of the total (the table says so).
 *
 * @param images images that became searchable in the window
 * @param seconds wall-clock length of the window
 * @param pipelineNanos this JVM: Kafka broker, ingest-stream, Flink job, embedded store, query API,
 *     and the bench client (uploads, freshness checks)
 * @param s3Nanos the S3 server child process
 * @param milvusNanos the Milvus processes the bench launched
 * @param jitNanos CPU of this JVM's JIT compiler threads (part of {@code pipelineNanos}), -1 when
 *     unknown
 */
public record CpuCost(
    int images, double seconds, long pipelineNanos, long s3Nanos, long milvusNanos, long jitNanos) {

  /** The CPU between {@code start} and {@code end}, over {@code images}. */
  public static CpuCost between(CpuSample start, CpuSample end, int images, double seconds) {
    return new CpuCost(
        images,
        seconds,
        delta(start.pipelineNanos(), end.pipelineNanos()),
        delta(start.s3Nanos(), end.s3Nanos()),
        delta(start.milvusNanos(), end.milvusNanos()),
        delta(start.jitNanos(), end.jitNanos()));
  }

  private static long delta(long start, long end) {
    return start < 0 || end < 0 ? -1 : end - start;
  }

  /** Nanoseconds of CPU of every process whose time is known. */
  public long totalNanos() {
    return Math.max(0, pipelineNanos) + Math.max(0, s3Nanos) + Math.max(0, milvusNanos);
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

  /** Cores busy on average over the window. */
  public double coresBusy() {
    return seconds > 0 ? totalNanos() / 1e9 / seconds : Double.NaN;
  }

  /** {@code 12.3 s / 0.9 s / n/a}: CPU seconds of the pipeline JVM, the S3 server, Milvus. */
  String perProcess() {
    return seconds(pipelineNanos) + " / " + seconds(s3Nanos) + " / " + seconds(milvusNanos);
  }

  /** {@code 3.1 s}, or n/a: CPU of the pipeline JVM's JIT compiler threads in the window. */
  String jit() {
    return seconds(jitNanos);
  }

  private static String seconds(long nanos) {
    return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
