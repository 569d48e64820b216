package dev.imgsearch.cli;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Counters of one {@code imgsearch ingest} run and their rendering; thread-safe, no I/O. */
final class IngestProgress {
  private final int total;
  private final long startNanos;
  final AtomicInteger uploaded = new AtomicInteger();
  final AtomicInteger skipped = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();

  IngestProgress(int total, long startNanos) {
    this.total = total;
    this.startNanos = startNanos;
  }

  int done() {
    return uploaded.get() + skipped.get() + failed.get();
  }

  /** Uploads per second since the start (skipped files do not count). */
  double rate(long nowNanos) {
    double seconds = (nowNanos - startNanos) / 1e9;
    return seconds <= 0 ? 0 : uploaded.get() / seconds;
  }

  /** The live line, e.g. {@code 120/500 (uploaded 90, skipped 30) 14.2 images/s}. */
  String line(long nowNanos) {
    StringBuilder sb = new StringBuilder();
    sb.append(done()).append('/').append(total).append(" (uploaded ").append(uploaded.get());
    if (skipped.get() > 0) {
      sb.append(", skipped ").append(skipped.get());
    }
    if (failed.get() > 0) {
      sb.append(", failed ").append(failed.get());
    }
    sb.append(String.format(Locale.ROOT, ") %.1f images/s", rate(nowNanos)));
    return sb.toString();
  }

  /** The final line, always printed. */
  String summary(long nowNanos, String bucket, String source) {
    double seconds = (nowNanos - startNanos) / 1e9;
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Uploaded %d of %d images to %s (source %s) in %.1f s, %.1f images/s",
                uploaded.get(),
                total,
                bucket,
                source,
                seconds,
                rate(nowNanos)));
    sb.append("; skipped ").append(skipped.get()).append(" already uploaded");
    if (failed.get() > 0) {
      sb.append("; ")
          .append(failed.get())
          .append(" failed (run the same command again to retry them)");
    }
    return sb.append('.').toString();
  }
}
