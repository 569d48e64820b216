package dev.imgsearch.ingest;

import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.local.servers.S3ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Throughput of the app on a real broker (in this JVM) and the real S3 server (child JVM). Not a
 * test: run it by hand (command in docs/benchmarks.md). Input is produced first, then the app
 * starts; the rate is counted from the first to the last output event, so start-up and the first
 * rebalance are excluded.
 *
 * <p>Options: {@code --notifications N} (100000), {@code --frames N} (1000), {@code --frame-kb N}
 * (200), {@code --partitions N} (3), {@code --stream-threads N} (1), {@code --guarantees a,b}
 * (at_least_once,exactly_once_v2); 0 notifications or frames skips that path.
 */
public final class IngestBench {
  private IngestBench() {}

  record Row(String path, String guarantee, long n, double seconds) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IngestApp.parseFlags(args);
    int notifications = Integer.parseInt(o.getOrDefault("notifications", "100000"));
    int frames = Integer.parseInt(o.getOrDefault("frames", "1000"));
    int frameKb = Integer.parseInt(o.getOrDefault("frame-kb", "200"));
    int partitions = Integer.parseInt(o.getOrDefault("partitions", "3"));
    String threads = o.getOrDefault("stream-threads", "1");
    boolean skipNotifications = notifications == 0;
    boolean skipFrames = frames == 0;
    List<String> guarantees =
        List.of(o.getOrDefault("guarantees", "at_least_once,exactly_once_v2").split(","));
    Path dir = Files.createTempDirectory("ingest-bench");
    List<Row> rows = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), 0)) {
      for (String g : guarantees) {
        if (!skipNotifications) {
          rows.add(notifications(broker, dir, g, notifications, partitions, threads));
        }
        if (!skipFrames) {
          rows.add(frames(broker, dir, g, frames, frameKb, partitions, threads));
        }
      }
    }
    System.out.printf(
        "%nprocessors: %d, partitions: %d, stream threads: %s%n",
        Runtime.getRuntime().availableProcessors(), partitions, threads);
    System.out.println("| path | processing.guarantee | records | seconds | records/s |");
    System.out.println("| --- | --- | ---: | ---: | ---: |");
    for (Row r : rows) {
      System.out.printf(
          "| %s | %s | %d | %.2f | %.0f |%n",
          r.path(), r.guarantee(), r.n(), r.seconds(), r.n() / r.seconds());
    }
  }

  private static Map<String, String> options(
      KafkaBroker broker, Path dir, String run, String guarantee, String threads) {
    Map<String, String> m =
        ItSupport.appOptions(broker.bootstrapServers(), dir, "bench", run, guarantee);
    m.put("stream.threads", threads);
    return m;
  }

  private static Row notifications(
      KafkaBroker broker, Path dir, String guarantee, int n, int partitions, String threads)
      throws Exception {
    String run = "notif-" + guarantee.replace('_', '-');
    IngestSettings s = IngestSettings.fromMap(options(broker, dir, run, guarantee, threads));
    broker.createTopics(
        partitions, s.notificationsTopic(), s.imageEventsTopic(), s.deadLetterTopic());
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    try (var p = ItSupport.stringProducer(broker.bootstrapServers())) {
      for (int i = 0; i < n; i++) {
        String key = "cam-" + (i % 50) + "/2026/11/20/" + i + ".jpg";
        p.send(
            ItSupport.putNotification(
                s.notificationsTopic(),
                key,
                200_000L,
                i,
                Map.of("X-Amz-Meta-Source", "cam-" + (i % 50), "content-type", "image/jpeg"),
                t.plusMillis(i),
                1_000_000L + i));
      }
    }
    try (IngestApp app = new IngestApp(s).start()) {
      return new Row(
          "notifications → image events",
          guarantee,
          n,
          measure(() -> app.metrics().count("imgsearch.ingest.events", "type", "CREATED"), n));
    }
  }

  private static Row frames(
      KafkaBroker broker, Path dir, String guarantee, int n, int kb, int partitions, String threads)
      throws Exception {
    String run = "frames-" + guarantee.replace('_', '-');
    Map<String, String> m = options(broker, dir, run, guarantee, threads);
    try (S3ServerProcess s3 =
        S3ServerProcess.start(
            dir.resolve("s3-" + run),
            0,
            "bench",
            "bench-secret",
            broker.bootstrapServers(),
            m.get("topic.notifications"),
            "images")) {
      m.put("s3.endpoint", s3.endpoint());
      m.put("s3.access-key", s3.accessKey());
      m.put("s3.secret-key", s3.secretKey());
      IngestSettings s = IngestSettings.fromMap(m);
      broker.createTopics(
          partitions,
          s.notificationsTopic(),
          s.imageEventsTopic(),
          s.deadLetterTopic(),
          s.rawFramesTopic());
      try (var p = ItSupport.bytesProducer(broker.bootstrapServers())) {
        for (int i = 0; i < n; i++) {
          p.send(ClaimCheckIT.frame(s.rawFramesTopic(), i, kb * 1024));
        }
      }
      try (IngestApp app = new IngestApp(s).start()) {
        double seconds =
            measure(() -> app.metrics().count("imgsearch.ingest.events", "type", "CREATED"), n);
        return new Row("raw frames (" + kb + " KB) → S3 → image events", guarantee, n, seconds);
      }
    }
  }

  /** Seconds from the first to the n-th counted event. */
  private static double measure(DoubleSupplier count, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (count.getAsDouble() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    long first = System.nanoTime();
    while (count.getAsDouble() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (count.getAsDouble() < n) {
      throw new IllegalStateException(
          "only " + count.getAsDouble() + " of " + n + " events within 10 min");
    }
    return (System.nanoTime() - first) / 1e9;
  }
}
