package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.cli.bench.FreshnessTracker;
import dev.imgsearch.cli.bench.PeakMemory;
import dev.imgsearch.cli.bench.Percentiles;
import dev.imgsearch.cli.bench.RatePacer;
import dev.imgsearch.cli.bench.Recall;
import dev.imgsearch.cli.bench.ResultTable;
import dev.imgsearch.cli.bench.LookupVisibilityCheck;
import dev.imgsearch.cli.bench.SearchVisibilityCheck;
import dev.imgsearch.cli.bench.SyntheticJpegs;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.local.servers.MilvusServer;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imgsearch bench}: starts a local stack on free ports in a scratch directory and measures the whole pipeline:
 * upload→searchable latency at a fixed upload rate, ingest throughput at saturation, query latency, recall@10 of the
 * store against exact search over the embeddings topic, and peak memory per process.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark the whole pipeline on a fresh local stack: freshness, throughput, query latency, recall@10, memory.")
final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--vector-store", defaultValue = "embedded", description = "embedded or milvus (default: ${DEFAULT-VALUE}).")
  String vectorStore;

  @Option(names = "--milvus-uri", description = "Milvus URI when --vector-store milvus; without it the bench starts the Milvus standalone server from .tools/milvus-venv (scripts/test-deps.sh) in the scratch directory.")
  String milvusUri;

  @Option(names = "--rate", defaultValue = "20", description = "Upload rate of the freshness phase, images/s (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--seconds", defaultValue = "30", description = "Length of the freshness phase (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--burst", defaultValue = "300", description = "Images uploaded at once for the throughput phase (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--burst-uploaders", defaultValue = "16", description = "Parallel S3 clients of the throughput phase (default: ${DEFAULT-VALUE}).")
  int burstUploaders;

  @Option(names = "--sweep-interval", defaultValue = "PT0.02S", description = "Pause between two freshness sweeps (one batched search over all pending images), ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration sweepInterval;

  /** How the freshness phase confirms that an image became searchable. */
  enum FreshnessCheck { search, lookup }

  @Option(names = "--freshness-check", defaultValue = "search", description = "search: one source-filtered POST /v1/search/vector per ≤ 64 pending images per sweep (an image counts once a search returns it); lookup: concurrent GET /v1/images/{id} for all pending (default: ${DEFAULT-VALUE}).")
  FreshnessCheck freshnessCheck;

  private boolean lookupCheck() {
    return freshnessCheck == FreshnessCheck.lookup;
  }

  @Option(names = "--milvus-consistency", description = "Milvus consistency level of the query API's reads (and the sink's): STRONG, SESSION, BOUNDED or EVENTUALLY (default: the local stack's, " + LocalStack.DEFAULT_MILVUS_CONSISTENCY + ").")
  String milvusConsistency;

  @Option(names = "--warm-up-seconds", defaultValue = "10", description = "Paced warm-up at --rate before the freshness phase, not measured (default: ${DEFAULT-VALUE}).")
  int warmUpSeconds;

  @Option(names = "--queries", defaultValue = "200", description = "Queries of each kind (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "--width", defaultValue = "640", description = "Image width (default: ${DEFAULT-VALUE}; 640×480 = 0.3 MP).")
  int width;

  @Option(names = "--height", defaultValue = "480", description = "Image height (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(names = "--checkpoint-interval", defaultValue = "PT0.2S", description = "Flink checkpoint interval, ISO-8601; the embedded store's writes become visible on checkpoints (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(names = "--embedder-option", description = "Extra embedder option NAME=VALUE (e.g. sink.batch=64, batch.max-delay=PT0.02S, milvus.consistency=STRONG); repeatable.")
  Map<String, String> embedderOptions = new LinkedHashMap<>();

  @Option(names = "--data-dir", description = "Scratch directory, kept afterwards (default: a new temporary directory, removed afterwards).")
  Path dataDir;

  @Option(names = "--markdown", description = "Also append the result table (with date and load average) to this file.")
  Path markdown;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("imgsearch-bench");
    Map<String, String> overrides = new LinkedHashMap<>(embedderOptions);
    overrides.put("checkpoint.interval", checkpointInterval.toString());
    if (milvusConsistency != null) {
      overrides.put("milvus.consistency", milvusConsistency);
    }
    System.out.printf("imgsearch bench: %s store, %.1f images/s for %d s, burst %d, %d×%d JPEGs, %s; data in %s%n",
        vectorStore, rate, seconds, burst, width, height, overrides, dir);

    int freshCount = (int) Math.round(rate * seconds);
    int warmPacedCount = (int) Math.round(rate * warmUpSeconds);
    int warmCount = 20 + warmPacedCount;
    System.out.printf("generating %d JPEGs ...%n", warmCount + freshCount + burst + queries);
    List<byte[]> images =
        IntStream.range(0, warmCount + freshCount + burst + queries).parallel()
            .mapToObj(i -> SyntheticJpegs.jpeg(1000L + i, width, height)).toList();
    long bytes = images.stream().mapToLong(b -> b.length).sum();
    System.out.printf("  mean size %,d bytes%n", bytes / images.size());

    ResultTable table = new ResultTable();
    MilvusServer milvus = null;
    if (vectorStore.equals("milvus") && milvusUri == null) {
      System.out.println("starting the Milvus standalone server (waits for the machine-wide Milvus lock) ...");
      milvus = MilvusServer.start(dir.resolve("milvus"));
      milvusUri = milvus.uri();
      System.out.printf("  Milvus at %s, up in %.1f s%n", milvusUri, milvus.startupTime().toMillis() / 1e3);
    }
    try {
      return run(dir, overrides, images, bytes, freshCount, warmPacedCount, table, milvus);
    } finally {
      if (milvus != null) {
        milvus.close();
      }
      if (dataDir == null) { // our scratch directory: remove it
        try (var paths = Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private int run(
      Path dir, Map<String, String> overrides, List<byte[]> images, long bytes, int freshCount, int warmPacedCount, ResultTable table,
      MilvusServer milvus)
      throws Exception {
    LocalStackSettings settings = LocalStackSettings.ephemeral(dir, vectorStore, milvusUri);
    long startNanos = System.nanoTime();
    try (LocalStack stack = LocalStack.start(settings, overrides);
        FreshnessTracker tracker =
            new FreshnessTracker(
                lookupCheck()
                    ? new LookupVisibilityCheck(stack.queryApiUrl())
                    : new SearchVisibilityCheck(stack.queryApiUrl(), stack.storeSettings().dimension()),
                sweepInterval)) {
      apiUrl = stack.queryApiUrl();
      System.out.printf("stack up in %.1f s: API %s, S3 %s%n", (System.nanoTime() - startNanos) / 1e9, stack.queryApiUrl(), stack.s3Endpoint());
      MinioClient s3 =
          MinioClient.builder().endpoint(stack.s3Endpoint()).region("us-east-1")
              .credentials(settings.accessKey(), settings.secretKey()).build();
      String bucket = settings.bucket();
      int next = 0;

      // warm-up: JIT, ONNX session, first checkpoint
      System.out.println("[warm-up] 20 images");
      for (int i = 0; i < 20; i++, next++) {
        put(s3, bucket, key("warm", next), images.get(next), tracker);
      }
      require(tracker.awaitEmpty(Duration.ofMinutes(3), () -> progress("warm-up", tracker)), "warm-up images not searchable in 3 min");
      tracker.drainLatencies();

      // paced warm-up: the same rate as the measurement, not measured (JIT of the whole path, Lucene/Milvus caches)
      if (warmPacedCount > 0) {
        System.out.printf("[warm-up] %d images at %.1f/s (not measured)%n", warmPacedCount, rate);
        paced(s3, bucket, tracker, "warm", next, warmPacedCount, images);
        next += warmPacedCount;
        require(tracker.awaitEmpty(Duration.ofMinutes(3), () -> progress("warm-up", tracker)), "warm-up images not searchable in 3 min");
        Percentiles warm = Percentiles.of(tracker.drainLatencies());
        System.out.println("  warm-up upload→searchable: " + warm.summary());
        tracker.drainSweepMillis();
      }

      // freshness at a fixed rate (open loop)
      System.out.printf("[freshness] %d images at %.1f/s%n", freshCount, rate);
      double offered = paced(s3, bucket, tracker, "fresh", next, freshCount, images);
      next += freshCount;
      boolean freshAll = tracker.awaitEmpty(Duration.ofMinutes(2), () -> progress("freshness", tracker));
      int freshMissing = tracker.pending();
      Percentiles fresh = Percentiles.of(tracker.drainLatencies());
      Percentiles freshSweeps = Percentiles.of(tracker.drainSweepMillis());
      System.out.println("  upload→searchable: " + fresh.summary());
      System.out.println("  sweep (one batched search per ≤ " + FreshnessTracker.MAX_BATCH + " pending): " + freshSweeps.summary());

      // throughput and backpressure: a burst uploaded as fast as burstUploaders clients can
      System.out.printf("[throughput] burst of %d images from %d clients%n", burst, burstUploaders);
      tracker.resetMaxPending();
      long burstStart = System.nanoTime();
      ExecutorService uploaders = Executors.newFixedThreadPool(burstUploaders);
      AtomicInteger uploaded = new AtomicInteger();
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < burst; i++, next++) {
        int n = next;
        puts.add(uploaders.submit(() -> {
          put(s3, bucket, key("burst", n), images.get(n), tracker);
          uploaded.incrementAndGet();
          return null;
        }));
      }
      long lastBurstProgress = System.nanoTime();
      for (Future<?> f : puts) {
        while (!f.isDone()) {
          Thread.sleep(5);
          if (System.nanoTime() - lastBurstProgress > 2_000_000_000L) {
            System.out.printf("  uploaded %d/%d, searchable %d, pending %d%n", uploaded.get(), burst, tracker.seen(), tracker.pending());
            lastBurstProgress = System.nanoTime();
          }
        }
        f.get();
      }
      uploaders.shutdown();
      long uploadsDone = System.nanoTime();
      double uploadSeconds = (uploadsDone - burstStart) / 1e9;
      int backlogAtUploadEnd = tracker.pending();
      int searchableAtUploadEnd = burst - backlogAtUploadEnd;
      boolean burstAll = tracker.awaitEmpty(Duration.ofMinutes(5), () -> progress("throughput", tracker));
      int burstMissing = tracker.pending();
      double burstSeconds = (tracker.lastSeenNanos() - burstStart) / 1e9;
      double drainSeconds = Math.max(0, (tracker.lastSeenNanos() - uploadsDone) / 1e9);
      Percentiles burstLatency = Percentiles.of(tracker.drainLatencies());
      Percentiles burstSweeps = Percentiles.of(tracker.drainSweepMillis());
      double throughput = (burst - burstMissing) / burstSeconds;
      double uploadRate = burst / uploadSeconds;
      double drainRate = drainSeconds > 0 ? backlogAtUploadEnd / drainSeconds : Double.NaN;
      System.out.printf(
          "  uploads: %.1f s = %.1f images/s (%.1f× the pipeline's throughput); %d searchable by then, backlog %d (peak %d)%n",
          uploadSeconds, uploadRate, uploadRate / throughput, searchableAtUploadEnd, backlogAtUploadEnd, tracker.maxPending());
      System.out.printf("  %d images searchable in %.1f s = %.1f images/s; backlog drained in %.1f s after the last upload (%.1f images/s)%n",
          burst - burstMissing, burstSeconds, throughput, drainSeconds, drainRate);

      // queries
      System.out.printf("[queries] %d image searches, %d vector searches%n", queries, queries);
      HttpClient http = HttpClient.newHttpClient();
      String api = stack.queryApiUrl();
      List<Double> imageQueryMs = new ArrayList<>();
      for (int i = 0; i < queries; i++, next++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/search?k=10")).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(images.get(next))).build(),
                HttpResponse.BodyHandlers.ofString());
        imageQueryMs.add((System.nanoTime() - t0) / 1e6);
        require(r.statusCode() == 200, "search answered " + r.statusCode() + ": " + r.body());
      }
      Map<String, float[]> vectors = embeddings(stack.bootstrapServers());
      System.out.printf("  %d embeddings read from %s%n", vectors.size(), Topics.EMBEDDINGS.name());
      List<String> ids = new ArrayList<>(vectors.keySet());
      SplittableRandom rnd = new SplittableRandom(42);
      List<Double> vectorQueryMs = new ArrayList<>();
      double recallSum = 0;
      for (int i = 0; i < queries; i++) {
        float[] q = perturbed(vectors.get(ids.get(rnd.nextInt(ids.size()))), rnd);
        ObjectNode body = JSON.createObjectNode();
        body.put("k", 10);
        var arr = body.putArray("vector");
        for (float f : q) {
          arr.add(f);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(api + "/v1/search/vector")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        vectorQueryMs.add((System.nanoTime() - t0) / 1e6);
        require(r.statusCode() == 200, "vector search answered " + r.statusCode() + ": " + r.body());
        List<String> got = new ArrayList<>();
        for (JsonNode hit : JSON.readTree(r.body()).get("results")) {
          got.add(hit.get("id").asText());
        }
        recallSum += Recall.recallAtK(got, Recall.exactTopK(vectors, q, 10), 10);
      }
      double recall = recallSum / queries;
      Percentiles imageQ = Percentiles.of(imageQueryMs);
      Percentiles vectorQ = Percentiles.of(vectorQueryMs);

      long pipelinePeak = PeakMemory.ofPid(ProcessHandle.current().pid()).orElse(-1);
      OptionalLong s3Peak = PeakMemory.ofPid(stack.s3Server().pid());

      table.add("store / settings", vectorStore + (vectorStore.equals("milvus") ? " " + stack.storeSettings().consistency() : "") + ", checkpoint " + checkpointInterval + (embedderOptions.isEmpty() ? "" : ", " + embedderOptions))
          .add("warm-up (not measured)", String.format(Locale.ROOT, "20 images + %d s at the rate", warmUpSeconds))
          .add("images", String.format(Locale.ROOT, "%d×%d JPEG, mean %,d bytes", width, height, bytes / images.size()))
          .add("freshness: offered rate", String.format(Locale.ROOT, "%.1f images/s × %d", offered, freshCount))
          .add("upload→searchable p50", Percentiles.ms(fresh.percentile(50)))
          .add("upload→searchable p95", Percentiles.ms(fresh.percentile(95)))
          .add("upload→searchable p99", Percentiles.ms(fresh.percentile(99)))
          .add("upload→searchable max", Percentiles.ms(fresh.max()))
          .add("freshness: not searchable after 2 min", Integer.toString(freshMissing))
          .add("freshness check", lookupCheck() ? "concurrent GET /v1/images/{id} per sweep" : "filtered search per ≤ 64 pending per sweep")
          .add("freshness check: sweep interval + sweep p50 / p99 (resolution)", String.format(Locale.ROOT, "%s + %s / %s", Percentiles.ms(sweepInterval.toNanos() / 1e6), Percentiles.ms(freshSweeps.percentile(50)), Percentiles.ms(freshSweeps.percentile(99))))
          .add("ingest throughput (burst of " + burst + ")", String.format(Locale.ROOT, "%.1f images/s", throughput))
          .add("burst: upload rate (" + burstUploaders + " clients) / ratio to throughput", String.format(Locale.ROOT, "%.1f images/s / %.1f×", uploadRate, uploadRate / throughput))
          .add("burst: backlog when uploads ended (peak) → drained after", String.format(Locale.ROOT, "%d (%d) → %.1f s", backlogAtUploadEnd, tracker.maxPending(), drainSeconds))
          .add("burst upload→searchable p50 / p99", Percentiles.ms(burstLatency.percentile(50)) + " / " + Percentiles.ms(burstLatency.percentile(99)))
          .add("burst: not searchable after 5 min", Integer.toString(burstMissing))
          .add("query by image (k=10) p50 / p95 / p99", Percentiles.ms(imageQ.percentile(50)) + " / " + Percentiles.ms(imageQ.percentile(95)) + " / " + Percentiles.ms(imageQ.percentile(99)))
          .add("query by vector (k=10) p50 / p95 / p99", Percentiles.ms(vectorQ.percentile(50)) + " / " + Percentiles.ms(vectorQ.percentile(95)) + " / " + Percentiles.ms(vectorQ.percentile(99)))
          .add("recall@10 vs exact (" + vectors.size() + " vectors)", String.format(Locale.ROOT, "%.3f", recall))
          .add("peak RSS: pipeline JVM (+ bench client)", pipelinePeak < 0 ? "n/a" : PeakMemory.mib(pipelinePeak))
          .add("peak RSS: S3 server JVM", s3Peak.isPresent() ? PeakMemory.mib(s3Peak.getAsLong()) : "n/a")
          .add("peak RSS: Milvus processes", milvusPeak(milvus))
          .add("freshness checks (batched searches) / errors", tracker.checks() + " / " + tracker.errors());
      boolean ok = freshAll && burstAll && tracker.errors() == 0;
      String md = table.markdown();
      System.out.println();
      System.out.println(md);
      if (markdown != null) {
        String block = "Measured " + Instant.now() + " (load average " + loadAverage() + ", " + Runtime.getRuntime().availableProcessors() + " cores).\n\n" + md + "\n";
        Files.writeString(markdown, block, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
      return ok ? 0 : 2;
    }
  }

  /**
   * Uploads {@code count} images from {@code from} at {@code rate}, open loop: PUTs run on a pool and each is due at
   * {@code start + i / rate}, so a slow PUT does not delay the next one. Returns the offered rate.
   */
  private double paced(MinioClient s3, String bucket, FreshnessTracker tracker, String phase, int from, int count, List<byte[]> images)
      throws Exception {
    RatePacer pacer = new RatePacer(System.nanoTime(), rate);
    long lastProgress = System.nanoTime();
    long start = System.nanoTime();
    long seenBefore = tracker.seen();
    ExecutorService pacedUploaders = Executors.newFixedThreadPool(8);
    List<Future<?>> pacedPuts = new ArrayList<>();
    AtomicInteger pacedDone = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      long wait = pacer.waitNanos(i, System.nanoTime());
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      int n = from + i;
      pacedPuts.add(pacedUploaders.submit(() -> {
        put(s3, bucket, key(phase, n), images.get(n), tracker);
        pacedDone.incrementAndGet();
        return null;
      }));
      if (System.nanoTime() - lastProgress > 2_000_000_000L) {
        System.out.printf("  uploaded %d/%d, searchable %d, pending %d%n", pacedDone.get(), count, tracker.seen() - seenBefore, tracker.pending());
        lastProgress = System.nanoTime();
      }
    }
    for (Future<?> f : pacedPuts) {
      f.get();
    }
    pacedUploaders.shutdown();
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** Sum of the peak RSS of the Milvus processes this bench launched (listed in the server's pid file). */
  private static String milvusPeak(MilvusServer milvus) {
    if (milvus == null || milvus.dataDir().isEmpty()) {
      return "n/a (not launched by the bench)";
    }
    long sum = 0;
    try {
      for (String line : Files.readAllLines(milvus.dataDir().get().resolve(MilvusServer.PID_FILE))) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length >= 1 && !parts[0].isEmpty()) {
          sum += PeakMemory.ofPid(Long.parseLong(parts[0])).orElse(0);
        }
      }
    } catch (Exception e) {
      return "n/a (" + e.getMessage() + ")";
    }
    return PeakMemory.mib(sum) + " (launcher + server)";
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "n/a";
    }
  }

  private static String key(String phase, int n) {
    return String.format(Locale.ROOT, "bench/%s-%06d.jpg", phase, n);
  }

  private static void put(MinioClient s3, String bucket, String key, byte[] bytes, FreshnessTracker tracker) throws Exception {
    // the source is unique per image: the freshness check searches with "source in [pending images]"
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(bytes), (long) bytes.length, null)
            .contentType("image/jpeg").userMetadata(Map.of("source", key)).build());
    tracker.uploaded(ImageIds.of(bucket, key), key, System.nanoTime());
  }

  private void progress(String phase, FreshnessTracker tracker) {
    var oldest = tracker.oldestPending();
    String detail = "";
    if (oldest.isPresent() && System.nanoTime() - oldest.get().putNanos() > 10_000_000_000L && apiUrl != null) {
      // stuck? say whether the query API knows the image at all (GET by id, same consistency level)
      try {
        int code =
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(apiUrl + "/v1/images/" + oldest.get().id())).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        detail = String.format(Locale.ROOT, "; oldest pending %s for %.0f s, GET by id → %d", oldest.get().token(),
            (System.nanoTime() - oldest.get().putNanos()) / 1e9, code);
      } catch (Exception e) {
        detail = "; GET by id failed: " + e;
      }
    }
    System.out.printf("  [%s] searchable %d, pending %d, check errors %d%s%n", phase, tracker.seen(), tracker.pending(), tracker.errors(), detail);
  }

  private volatile String apiUrl;

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /** A stored vector plus small Gaussian noise, re-normalised: a query near, but not at, an indexed point. */
  private static float[] perturbed(float[] v, SplittableRandom rnd) {
    float[] q = new float[v.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      q[i] = (float) (v[i] + gaussian(rnd) * 0.02);
      norm += q[i] * q[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < q.length; i++) {
      q[i] *= inv;
    }
    return q;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  /** The current embedding of every image, read from the compacted embeddings topic (tombstones remove). */
  static Map<String, float[]> embeddings(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "bench-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    Map<String, float[]> out = new HashMap<>();
    var deserializer = Topics.EMBEDDINGS.valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(Topics.EMBEDDINGS.name()).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("embeddings topic not read within 1 min");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          String id = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
          if (r.value() == null) {
            out.remove(id);
          } else {
            ImageEmbedding e = deserializer.deserialize(r.topic(), r.value());
            float[] v = new float[e.getVector().size()];
            for (int i = 0; i < v.length; i++) {
              v[i] = e.getVector().get(i);
            }
            out.put(id, v);
          }
        }
      }
    }
    return out;
  }
}
