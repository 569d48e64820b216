package dev.imgsearch.cli.camera;

import dev.imgsearch.cli.LocalStack;
import dev.imgsearch.cli.LocalStackSettings;
import dev.imgsearch.cli.bench.FreshnessTracker;
import dev.imgsearch.cli.bench.PeakMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code imgsearch bench --camera DIR}: replays real fixed-camera footage as raw frames on a fresh
 * local stack with scene-change gating on, from one or more cameras at a fixed frame rate each,
 * then reports the frames embedded and gated, the publish→searchable lag (and whether it stayed
 * bounded), the CPU used, and checks that every frame is findable by time and that search by a
 * frame with people returns the frames where they appear. Returns the exit code: 0, or 2 when a
 * check failed.
 */
public final class CameraRun {
  private static final Duration DRAIN = Duration.ofMinutes(2);

  private final CameraOptions options;

  public CameraRun(CameraOptions options) {
    this.options = options;
  }

  public int run() throws Exception {
    CameraFootage footage = CameraFootage.load(options.frames());
    List<Integer> queries =
        options.people() == null
            ? null
            : PeopleLabels.parse(Files.readAllLines(options.people())).queryFrames(footage.names());
    Path dir =
        options.dataDir() != null
            ? options.dataDir()
            : Files.createTempDirectory("imgsearch-camera");
    System.out.printf(
        "imgsearch bench --camera: %d frames of %s, %d camera(s) at %.1f fps, %s store, %s; data in %s%n",
        footage.size(),
        options.frames(),
        options.cameras(),
        options.fps(),
        options.vectorStore(),
        options.embedderOverrides(),
        dir);
    try {
      return measure(
          LocalStackSettings.ephemeral(dir, options.vectorStore(), options.milvusUri()),
          footage,
          queries);
    } finally {
      if (options.dataDir() == null) {
        try (var paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private int measure(LocalStackSettings settings, CameraFootage footage, List<Integer> queries)
      throws Exception {
    long t0 = System.nanoTime();
    try (LocalStack stack = LocalStack.start(settings, options.embedderOverrides());
        FreshnessTracker tracker =
            new FreshnessTracker(
                new WindowVisibilityCheck(
                    stack.queryApiUrl(), stack.storeSettings().dimension(), options.fps()),
                options.sweepInterval());
        Producer<byte[], byte[]> producer = producer(stack.bootstrapServers())) {
      System.out.printf(
          "stack up in %.1f s: API %s%n", (System.nanoTime() - t0) / 1e9, stack.queryApiUrl());
      long now = System.currentTimeMillis();
      int warm = Math.min(CameraOptions.WARM_UP_FRAMES, footage.size());
      System.out.printf("[warm-up] %d frames on source warm-up (not measured)%n", warm);
      CameraFeed warmFeed =
          new CameraFeed("warm-up", now - 3_600_000, options.fps(), settings.bucket());
      CameraReplay.run(
          producer, List.of(warmFeed), footage.frames(), warm, tracker, System.nanoTime());
      require(tracker.awaitEmpty(DRAIN, () -> {}), "warm-up frames not searchable in " + DRAIN);
      tracker.drainLatencies();

      FlinkCounters before = FlinkCounters.read(stack.flinkMetricsUrl());
      long s3Pid = stack.s3Server().pid();
      long cpuBefore = cpuNanos(s3Pid);
      long start = System.nanoTime();
      List<CameraFeed> feeds = new ArrayList<>();
      for (int c = 0; c < options.cameras(); c++) {
        feeds.add(new CameraFeed(CameraOptions.source(c), now, options.fps(), settings.bucket()));
      }
      System.out.printf(
          "[replay] %d frames × %d camera(s) at %.1f fps ...%n",
          footage.size(), feeds.size(), options.fps());
      CameraReplay replay =
          CameraReplay.run(producer, feeds, footage.frames(), footage.size(), tracker, start);
      boolean drained =
          tracker.awaitEmpty(
              DRAIN,
              () ->
                  System.out.printf(
                      "  [drain] searchable %d, pending %d%n", tracker.seen(), tracker.pending()));
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpuAfter = cpuNanos(s3Pid);
      double cores = cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) / 1e9 / seconds;
      System.out.printf(
          "  replay and drain took %.1f s; all searchable: %s%n",
          seconds, drained ? "yes" : "no, after " + DRAIN);
      FlinkCounters counters = FlinkCounters.read(stack.flinkMetricsUrl()).minus(before);
      LagSummary lag = LagSummary.of(feeds, footage.size(), tracker.latenciesById());

      ApiJson api = new ApiJson(stack.queryApiUrl());
      List<FindableByTime> findable = new ArrayList<>();
      for (CameraFeed feed : feeds) {
        findable.add(FindableByTime.check(api, feed, footage.size()));
      }
      PeopleSearch people =
          queries == null ? null : PeopleSearch.check(api, feeds, footage.frames(), queries);
      return new CameraReport(
              options,
              options.vectorStore(),
              footage.size(),
              footage.meanBytes(),
              replay,
              counters,
              lag,
              cores,
              memory(s3Pid),
              findable,
              people,
              tracker.checks(),
              tracker.errors())
          .print();
    }
  }

  private static Producer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", 5),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** CPU time of this JVM and the S3 server so far, or -1 when not known. */
  private static long cpuNanos(long s3Pid) {
    Optional<Duration> self = ProcessHandle.current().info().totalCpuDuration();
    Optional<Duration> s3 = ProcessHandle.of(s3Pid).flatMap(h -> h.info().totalCpuDuration());
    return self.isPresent() && s3.isPresent() ? self.get().plus(s3.get()).toNanos() : -1;
  }

  private static String memory(long s3Pid) {
    return PeakMemory.ofPid(ProcessHandle.current().pid()).stream()
            .mapToObj(PeakMemory::mib)
            .findFirst()
            .orElse("n/a")
        + " / "
        + PeakMemory.ofPid(s3Pid).stream().mapToObj(PeakMemory::mib).findFirst().orElse("n/a");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
