package dev.imgsearch.cli.bench;

import java.time.Duration;

/**
 * Not measured: {@value BenchOptions#WARM_UP_IMAGES} images one after the other (JIT, ONNX session,
 * first checkpoint), then {@code --warm-up-seconds} at the measured rate (JIT of the whole path,
 * Lucene/Milvus caches). Fails the bench when the images are not searchable within 3 min each time.
 */
public final class WarmUpPhase {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String NOT_SEARCHABLE = "warm-up images not searchable in 3 min";

  private WarmUpPhase() {}

  public static void run(BenchContext ctx) throws Exception {
    FreshnessTracker tracker = ctx.tracker();
    System.out.println("[warm-up] " + BenchOptions.WARM_UP_IMAGES + " images");
    int first = ctx.take(BenchOptions.WARM_UP_IMAGES);
    for (int i = 0; i < BenchOptions.WARM_UP_IMAGES; i++) {
      ctx.uploads().put("warm", first + i);
    }
    ctx.requireSearchable("warm-up", TIMEOUT, NOT_SEARCHABLE);
    tracker.drainLatencies();

    int paced = ctx.options().warmPacedCount();
    if (paced > 0) {
      System.out.printf(
          "[warm-up] %d images at %.1f/s (not measured)%n", paced, ctx.options().rate());
      ctx.uploads().paced("warm", ctx.take(paced), paced, ctx.options().rate());
      ctx.requireSearchable("warm-up", TIMEOUT, NOT_SEARCHABLE);
      Percentiles warm = Percentiles.of(tracker.drainLatencies());
      System.out.println("  warm-up upload→searchable: " + warm.summary());
      tracker.drainSweepMillis();
    }
  }
}
