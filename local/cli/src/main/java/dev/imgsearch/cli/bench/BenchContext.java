package dev.imgsearch.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * What the phases of a bench run share: the options, the images, the uploads and the tracker of the
 * running stack, and the cursor that hands each phase the next, not yet used images (so no image is
 * uploaded twice).
 */
public final class BenchContext {
  private final BenchOptions options;
  private final List<byte[]> images;
  private final BenchUploads uploads;
  private final FreshnessTracker tracker;
  private final BenchProgress progress;
  private final WatchAlerts alerts;
  private int next;

  /**
   * @param alerts the watches' alerts to measure in the freshness phase, or null
   */
  public BenchContext(
      BenchOptions options,
      List<byte[]> images,
      BenchUploads uploads,
      FreshnessTracker tracker,
      BenchProgress progress,
      WatchAlerts alerts) {
    this.alerts = alerts;
    this.options = options;
    this.images = images;
    this.uploads = uploads;
    this.tracker = tracker;
    this.progress = progress;
  }

  BenchOptions options() {
    return options;
  }

  BenchUploads uploads() {
    return uploads;
  }

  FreshnessTracker tracker() {
    return tracker;
  }

  /** The watches' alerts ({@code --watches}), or null. */
  WatchAlerts alerts() {
    return alerts;
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
    return images.get(n);
  }

  /**
   * Waits up to {@code timeout} until every uploaded image is searchable, reporting progress as
   * {@code phase}; returns whether they all are.
   */
  boolean awaitSearchable(String phase, Duration timeout) throws InterruptedException {
    return tracker.awaitEmpty(timeout, () -> progress.report(phase));
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
