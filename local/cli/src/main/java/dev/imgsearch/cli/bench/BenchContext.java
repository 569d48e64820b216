package dev.imgsearch.cli.bench;

import java.time.Duration;

/**
 * What the phases of a bench run share: the options, the images, the uploads and the tracker of the
 * running stack, and the cursor that hands each phase the next, not yet used images (so no image is
 * uploaded twice).
 */
public final class BenchContext {
  private final BenchOptions options;
  private final BenchUploads uploads;
  private final BenchProgress progress;
  private int next;

  /**
   * @param uploads the uploads, which hold the images, the tracker and the watches' alerts
   */
  public BenchContext(BenchOptions options, BenchUploads uploads, BenchProgress progress) {
    this.options = options;
    this.uploads = uploads;
    this.progress = progress;
  }

  BenchOptions options() {
    return options;
  }

  BenchUploads uploads() {
    return uploads;
  }

  FreshnessTracker tracker() {
    return uploads.tracker();
  }

  /** The watches' alerts ({@code --watches}), or null. */
  WatchAlerts alerts() {
    return uploads.alerts();
  }

  /**
   * The index of the first of the next {@code count} images, which are the caller's from now on.
   */
  int take(int count) {
    int first = next;
    next += count;
    return first;
  }

  byte[] image(int n) {
    return uploads.image(n);
  }

  /**
   * Waits up to {@code timeout} until every uploaded image is searchable, reporting progress as
   * {@code phase}; returns whether they all are.
   */
  boolean awaitSearchable(String phase, Duration timeout) throws InterruptedException {
    return tracker().awaitEmpty(timeout, () -> progress.report(phase));
  }

  /**
   * Like {@link #awaitSearchable}, but an image still not searchable fails the bench with {@code
   * message}.
   */
  void requireSearchable(String phase, Duration timeout, String message)
      throws InterruptedException {
    if (!awaitSearchable(phase, timeout)) {
      throw new IllegalStateException(message);
    }
  }
}
