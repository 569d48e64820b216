package dev.imgsearch.cli;

import dev.imgsearch.cli.bench.SyntheticJpegs;
import dev.imgsearch.schemas.ImageIds;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The camera of the fault ITs: on its own thread, uploads synthetic 0.3 MP JPEGs {@code
 * <prefix>img-<i>.jpg} (seed {@code i}) at ≈ 10 images/s through the S3 API, before, during and
 * after a fault. A failed PUT is retried every {@code retryPause} until {@code retryFor} has passed
 * (then the camera fails); the uploaded set holds what the S3 API acknowledged.
 */
final class FaultCamera {
  /** One upload; returns the image id. */
  interface Put {
    String put(String key, long seed) throws Exception;
  }

  private final AtomicInteger failedPuts = new AtomicInteger();
  private final AtomicLong longestPutMs = new AtomicLong();
  private final AtomicLong lastPutAt = new AtomicLong();
  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private Future<?> uploads;

  private FaultCamera() {}

  /** Starts uploading images {@code from} (inclusive) to {@code to} into {@code uploaded}. */
  static FaultCamera start(
      Set<String> uploaded,
      Put put,
      String prefix,
      int from,
      int to,
      Duration retryFor,
      Duration retryPause) {
    FaultCamera camera = new FaultCamera();
    camera.uploads =
        camera.thread.submit(
            () -> {
              for (int i = from; i < to; i++) {
                String key = prefix + "img-" + i + ".jpg";
                uploaded.add(camera.upload(put, key, i, retryFor, retryPause));
                Thread.sleep(100); // ≈ 10 images/s
              }
              return null;
            });
    return camera;
  }

  /** As {@link #start}, without retries: a failed PUT fails the camera. */
  static FaultCamera start(Set<String> uploaded, Put put, String prefix, int from, int to) {
    return start(uploaded, put, prefix, from, to, Duration.ZERO, Duration.ZERO);
  }

  private String upload(Put put, String key, int seed, Duration retryFor, Duration retryPause)
      throws Exception {
    long t0 = System.nanoTime();
    while (true) { // a client retries a failed PUT; the set is what succeeded
      long t = System.nanoTime();
      try {
        String id = put.put(key, seed);
        longestPutMs.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
        lastPutAt.set(System.nanoTime());
        return id;
      } catch (Exception e) {
        failedPuts.incrementAndGet();
        if (retryFor.isZero()) {
          throw e;
        }
        if (System.nanoTime() - t0 > retryFor.toNanos()) {
          throw new IllegalStateException("PUT of " + key + " failing for " + retryFor, e);
        }
        Thread.sleep(retryPause.toMillis());
      }
    }
  }

  /** Waits for the last upload (its failure is thrown) and stops the camera's thread. */
  void awaitDone(Duration timeout) throws Exception {
    uploads.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    thread.shutdown();
  }

  /** PUTs that failed (and were retried). */
  int failedPuts() {
    return failedPuts.get();
  }

  /** The longest successful PUT. */
  long longestPutMs() {
    return longestPutMs.get();
  }

  /** {@link System#nanoTime()} when the last successful PUT returned. */
  long lastPutAt() {
    return lastPutAt.get();
  }

  /** Puts a synthetic 640×480 JPEG with user metadata {@code source} and returns its image id. */
  static String putJpeg(MinioClient s3, String bucket, String key, long seed, String source)
      throws Exception {
    StackClient.putObject(
        s3,
        bucket,
        key,
        SyntheticJpegs.jpeg(seed, 640, 480),
        "image/jpeg",
        Map.of("source", source));
    return ImageIds.of(bucket, key);
  }
}
