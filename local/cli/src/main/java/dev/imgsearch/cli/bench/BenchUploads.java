package dev.imgsearch.cli.bench;

import dev.imgsearch.schemas.ImageIds;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Uploads the bench's images into the bucket through the S3 API, and registers each with the {@link
 * FreshnessTracker} when its PUT returns. Image {@code n} is object {@code bench/<phase>-<n>.jpg},
 * whose {@code source} metadata is its key (unique per image: the freshness check searches with
 * "source in [pending images]").
 */
public final class BenchUploads {
  private static final int PACED_UPLOADERS = 8;
  private static final long PROGRESS_NANOS = 2_000_000_000L;

  private final MinioClient s3;
  private final String bucket;
  private final List<byte[]> images;
  private final FreshnessTracker tracker;
  private final WatchAlerts alerts;

  /**
   * @param alerts also told of every upload (upload→alert latency), or null
   */
  public BenchUploads(
      MinioClient s3,
      String bucket,
      List<byte[]> images,
      FreshnessTracker tracker,
      WatchAlerts alerts) {
    this.s3 = s3;
    this.bucket = bucket;
    this.images = images;
    this.tracker = tracker;
    this.alerts = alerts;
  }

  byte[] image(int n) {
    return images.get(n);
  }

  FreshnessTracker tracker() {
    return tracker;
  }

  /** The watches' alerts, or null. */
  WatchAlerts alerts() {
    return alerts;
  }

  /** The object key of image {@code n} uploaded in {@code phase}. */
  static String key(String phase, int n) {
    return String.format(Locale.ROOT, "bench/%s-%06d.jpg", phase, n);
  }

  /** Uploads image {@code n} now, on this thread. */
  void put(String phase, int n) throws Exception {
    String key = key(phase, n);
    byte[] bytes = image(n);
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), (long) bytes.length, null)
            .contentType("image/jpeg")
            .userMetadata(Map.of("source", key))
            .build());
    long returned = System.nanoTime();
    String id = ImageIds.of(bucket, key);
    tracker.uploaded(id, key, returned);
    if (alerts != null) {
      alerts.uploaded(id, returned);
    }
  }

  /**
   * Uploads {@code count} images from {@code from} at {@code rate}, open loop: PUTs run on a pool
   * and each is due at {@code start + i / rate}, so a slow PUT does not delay the next one. Returns
   * the offered rate.
   */
  double paced(String phase, int from, int count, double rate) throws Exception {
    RatePacer pacer = new RatePacer(System.nanoTime(), rate);
    long lastProgress = System.nanoTime();
    long start = System.nanoTime();
    long seenBefore = tracker.seen();
    ExecutorService uploaders = Executors.newFixedThreadPool(PACED_UPLOADERS);
    List<Future<?>> puts = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      long wait = pacer.waitNanos(i, System.nanoTime());
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      puts.add(uploaders.submit(counted(phase, from + i, done)));
      if (System.nanoTime() - lastProgress > PROGRESS_NANOS) {
        System.out.printf(
            "  uploaded %d/%d, searchable %d, pending %d%n",
            done.get(), count, tracker.seen() - seenBefore, tracker.pending());
        lastProgress = System.nanoTime();
      }
    }
    for (Future<?> f : puts) {
      f.get();
    }
    uploaders.shutdown();
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Uploads {@code count} images from {@code from} as fast as {@code clients} parallel clients can.
   */
  void burst(String phase, int from, int count, int clients) throws Exception {
    ExecutorService uploaders = Executors.newFixedThreadPool(clients);
    AtomicInteger uploaded = new AtomicInteger();
    List<Future<?>> puts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      puts.add(uploaders.submit(counted(phase, from + i, uploaded)));
    }
    long lastProgress = System.nanoTime();
    for (Future<?> f : puts) {
      while (!f.isDone()) {
        Thread.sleep(5);
        if (System.nanoTime() - lastProgress > PROGRESS_NANOS) {
          System.out.printf(
              "  uploaded %d/%d, searchable %d, pending %d%n",
              uploaded.get(), count, tracker.seen(), tracker.pending());
          lastProgress = System.nanoTime();
        }
      }
      f.get();
    }
    uploaders.shutdown();
  }

  private java.util.concurrent.Callable<Void> counted(String phase, int n, AtomicInteger done) {
    return () -> {
      put(phase, n);
      done.incrementAndGet();
      return null;
    };
  }
}
