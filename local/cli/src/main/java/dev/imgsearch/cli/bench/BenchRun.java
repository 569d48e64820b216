package dev.imgsearch.cli.bench;

import dev.imgsearch.cli.LocalStackSettings;
import dev.imgsearch.cli.RunningStack;
import dev.imgsearch.local.servers.MilvusServer;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One run of {@code imgsearch bench}: generates the images, starts Milvus when needed and a local
 * stack on free ports in a scratch directory, runs the phases in order (warm-up, freshness,
 * throughput, queries and recall, memory) and reports. Returns the exit code: 0, or {@link
 * BenchReport#FAILED_CHECKS} when a sanity check failed.
 */
public final class BenchRun {
  /** Starts the stack the bench measures: in one JVM, or as a multi-process cluster. */
  @FunctionalInterface
  public interface StackStarter {
    RunningStack start(LocalStackSettings settings, Map<String, String> embedderOverrides);
  }

  private final BenchOptions options;
  private final StackStarter starter;
  private final String stackKind;

  /**
   * @param stackKind how the stack runs, for the first line ({@code one JVM}, {@code cluster, job
   *     parallelism 2})
   */
  public BenchRun(BenchOptions options, StackStarter starter, String stackKind) {
    this.options = options;
    this.starter = starter;
    this.stackKind = stackKind;
  }

  public int run() throws Exception {
    Path dir =
        options.dataDir() != null
            ? options.dataDir()
            : Files.createTempDirectory("imgsearch-bench");
    Map<String, String> overrides = options.embedderOverrides();
    System.out.printf(
        "imgsearch bench: %s, %s store, %.1f images/s for %d s, burst %d, %d×%d JPEGs, %s; data in %s%n",
        stackKind,
        options.vectorStore(),
        options.rate(),
        options.seconds(),
        options.burst(),
        options.width(),
        options.height(),
        overrides,
        dir);
    List<byte[]> images = generateImages();
    MilvusServer milvus = null;
    String milvusUri = options.milvusUri();
    if (options.startsMilvus()) {
      System.out.println(
          "starting the Milvus standalone server (waits for the machine-wide Milvus lock) ...");
      milvus = MilvusServer.start(dir.resolve("milvus"));
      milvusUri = milvus.uri();
      System.out.printf(
          "  Milvus at %s, up in %.1f s%n", milvusUri, milvus.startupTime().toMillis() / 1e3);
    }
    try {
      return measure(
          LocalStackSettings.ephemeral(dir, options.vectorStore(), milvusUri),
          overrides,
          images,
          milvus);
    } finally {
      if (milvus != null) {
        milvus.close();
      }
      if (options.dataDir() == null) { // our scratch directory: remove it
        try (var paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private List<byte[]> generateImages() {
    int count = options.imageCount();
    System.out.printf("generating %d JPEGs ...%n", count);
    List<byte[]> images =
        IntStream.range(0, count)
            .parallel()
            .mapToObj(i -> SyntheticJpegs.jpeg(1000L + i, options.width(), options.height()))
            .toList();
    System.out.printf("  mean size %,d bytes%n", meanBytes(images));
    return images;
  }

  private static long meanBytes(List<byte[]> images) {
    return images.stream().mapToLong(b -> b.length).sum() / images.size();
  }

  private int measure(
      LocalStackSettings settings,
      Map<String, String> overrides,
      List<byte[]> images,
      MilvusServer milvus)
      throws Exception {
    long startNanos = System.nanoTime();
    try (RunningStack stack = starter.start(settings, overrides);
        FreshnessTracker tracker =
            new FreshnessTracker(visibilityCheck(stack), options.sweepInterval())) {
      System.out.printf(
          "stack up in %.1f s: API %s, S3 %s%n",
          (System.nanoTime() - startNanos) / 1e9, stack.queryApiUrl(), stack.s3Endpoint());
      MinioClient s3 =
          dev.imgsearch.schemas.S3Clients.minio(
                  stack.s3Endpoint(), settings.accessKey(), settings.secretKey())
              .region("us-east-1")
              .build();
      WatchAlerts alerts = null;
      if (options.watches() > 0) {
        System.out.printf("[watches] arming %d watches%n", options.watches());
        alerts =
            WatchAlerts.arm(
                stack.queryApiUrl(),
                stack
                    .jobMetricsUrl()
                    .orElseThrow(
                        () -> new IllegalStateException("--watches needs the one-JVM stack")),
                options.watches(),
                stack.storeSettings().dimension());
      }
      try (WatchAlerts closing = alerts) {
        return phases(
            stack,
            milvus,
            new BenchContext(
                options,
                new BenchUploads(s3, settings.bucket(), images, tracker, alerts),
                new BenchProgress(stack.queryApiUrl(), tracker)),
            tracker,
            images);
      }
    }
  }

  private int phases(
      RunningStack stack,
      MilvusServer milvus,
      BenchContext ctx,
      FreshnessTracker tracker,
      List<byte[]> images)
      throws Exception {
    WarmUpPhase.run(ctx);
    FreshnessPhase.Result freshness = FreshnessPhase.run(ctx);
    List<Long> milvusPids = MemoryReport.milvusPids(milvus);
    ThroughputPhase.Result throughput =
        ThroughputPhase.run(
            ctx,
            () ->
                CpuSample.read(
                    stack.s3ServerPid(), stack.jobPids(), stack.servicePids(), milvusPids));
    QueryPhase.Result queries = QueryPhase.run(ctx, stack.queryApiUrl(), stack.bootstrapServers());
    MemoryReport memory = MemoryReport.measure(stack.s3ServerPid(), milvus);
    BenchReport report =
        new BenchReport(
            options,
            store(stack),
            meanBytes(images),
            freshness,
            throughput,
            queries,
            memory,
            tracker.checks(),
            tracker.errors());
    return report.print(options.markdown());
  }

  private FreshnessTracker.VisibilityCheck visibilityCheck(RunningStack stack) {
    return options.lookupCheck()
        ? new LookupVisibilityCheck(stack.queryApiUrl())
        : new SearchVisibilityCheck(stack.queryApiUrl(), stack.storeSettings().dimension());
  }

  private String store(RunningStack stack) {
    String store = options.vectorStore();
    return store + (store.equals("milvus") ? " " + stack.storeSettings().consistency() : "");
  }
}
