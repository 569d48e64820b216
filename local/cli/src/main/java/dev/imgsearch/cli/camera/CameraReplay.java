package dev.imgsearch.cli.camera;

import dev.imgsearch.cli.bench.FreshnessTracker;
import dev.imgsearch.cli.bench.RatePacer;
import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes the footage as raw frames on {@link Topics#RAW_FRAMES}, one thread per camera, paced
 * open-loop ({@link RatePacer}: frame {@code i} is due at {@code start + i / fps} whatever the
 * sends before it took), each registered with the freshness tracker the moment it is sent.
 *
 * @param published frames sent (all cameras)
 * @param sendErrors sends Kafka did not acknowledge
 * @param maxBehindMs how late the latest send was against its schedule (the publisher kept pace
 *     when small)
 */
record CameraReplay(int published, int sendErrors, double maxBehindMs) {
  /** Sends frames {@code 0..count-1} of {@code frames} on every feed, from {@code startNanos}. */
  static CameraReplay run(
      Producer<byte[], byte[]> producer,
      List<CameraFeed> feeds,
      List<byte[]> frames,
      int count,
      FreshnessTracker tracker,
      long startNanos)
      throws Exception {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong behind = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(feeds.size());
    try {
      List<Future<?>> cameras = new ArrayList<>();
      for (CameraFeed feed : feeds) {
        cameras.add(
            threads.submit(
                () -> {
                  RatePacer pacer = new RatePacer(startNanos, feed.fps());
                  for (int i = 0; i < count; i++) {
                    long wait = pacer.waitNanos(i, System.nanoTime());
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    long now = System.nanoTime();
                    behind.accumulateAndGet(now - pacer.dueNanos(i), Math::max);
                    long capture = feed.captureMillis(i);
                    tracker.uploaded(
                        feed.imageId(i), WindowVisibilityCheck.token(feed.source(), capture), now);
                    producer.send(
                        RawFrame.of(frames.get(i), "image/jpeg", feed.source())
                            .id(CameraFeed.frameId(i))
                            .capturedAtMillis(capture)
                            .toRecord(Topics.RAW_FRAMES.name()),
                        (metadata, e) -> {
                          if (e != null) {
                            errors.incrementAndGet();
                          }
                        });
                    sent.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> camera : cameras) {
        camera.get();
      }
      producer.flush();
    } finally {
      threads.shutdownNow();
    }
    return new CameraReplay(sent.get(), errors.get(), behind.get() / 1e6);
  }
}
