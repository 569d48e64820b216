package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.embedder.image.TurboJpeg;
import dev.imgsearch.embedder.model.ModelDescriptor;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.VectorStoreSink;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark of docs/benchmarks.md ("Model (embedder)", "Embedder job"). Opt-in, it takes a few
 * minutes:
 *
 * <pre>
 * ./mvnw -B -o -pl embedder/job verify -Dimgsearch.benchmark=true -Dit.test=EmbedderBenchmarkIT -Dtest=NoSuch \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * (a) pure ONNX Runtime throughput of the default model per batch size and thread count, on ready
 * tensors — the limit; (b) the whole job (Kafka source → S3 fetch → decode → batched inference →
 * Lucene store sink) on 2 MP camera JPEGs and on 0.3 MP JPEGs, per batch size, JPEGs decoded by
 * libjpeg-turbo (when installed) and, for comparison, by ImageIO; (c) fetch and decode ms per image
 * per decoder. The report goes to stdout and {@code embedder/job/target/benchmark.md}.
 */
@EnabledIfSystemProperty(named = "imgsearch.benchmark", matches = "true")
class EmbedderBenchmarkIT {
  static final String BUCKET = JobHarness.BUCKET;
  static final int IMAGES = Integer.getInteger("imgsearch.benchmark.images", 120);

  /**
   * {@code -Dimgsearch.benchmark.warm-up=false} drops the job run before each configuration's three
   * measured runs.
   */
  static final boolean WARM_UP = !"false".equals(System.getProperty("imgsearch.benchmark.warm-up"));

  /**
   * {@code -Dimgsearch.benchmark.paired=true}: right after each measured job run, the model alone
   * at the deployment's setting (two one-thread sessions at once, the better of batch 1 and 4) is
   * measured again, and each run gets its own ratio. A shared machine drifts by ±10 % over the
   * minutes a configuration takes; one (a) at the start then moves every ratio of the report at
   * once.
   */
  static final boolean PAIRED = Boolean.getBoolean("imgsearch.benchmark.paired");

  @TempDir Path tmp;
  final StringBuilder report = new StringBuilder();

  /** The paired table's rows ({@link #PAIRED}), printed after the job table. */
  private final List<String> pairedLines = new ArrayList<>();

  void line(String s) {
    System.out.println(s);
    report.append(s).append('\n');
  }

  /**
   * One MiniCluster (one TaskManager, two slots) for every job run of the test, as a long-running
   * TaskManager runs its job: a cluster per run made each run start cold (actor systems, classes,
   * JIT deoptimisation).
   */
  private MiniCluster cluster;

  private MiniCluster cluster() throws Exception {
    if (cluster == null) {
      cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setNumTaskManagers(1)
                  .setNumSlotsPerTaskManager(2)
                  .build());
      cluster.start();
    }
    return cluster;
  }

  /** The S3 server's JVM options were set by this test, to be cleared after it. */
  private boolean clearS3Options;

  @AfterEach
  void closeCluster() throws Exception {
    if (clearS3Options) {
      System.clearProperty(S3ServerProcess.JVM_OPTIONS_PROPERTY);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void benchmark() throws Exception {
    line(
        "Machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version")
            + "; "
            + IMAGES
            + " images per job run; medians of 3 runs"
            + (WARM_UP ? " after a warm-up run per configuration" : " (no warm-up run)")
            + "; load average at start: "
            + load());
    line("");
    // quick runs (profiling, A/B): -Dimgsearch.benchmark.limit=366 skips (a) and uses that limit,
    // -Dimgsearch.benchmark.sets=0.3 (or 2) runs one image size, -Dimgsearch.benchmark.costs=false
    // skips (c),
    // -Dimgsearch.benchmark.configs=16:2:0:1:0,16:2:1:1:0 (batch:decode
    // threads:intra-op:turbo:spinning[:job parallelism, default 1]),
    // -Dimgsearch.benchmark.jvm=-XX:StartFlightRecording=filename=target/bench.jfr,settings=profile
    // (pom property)
    String vtest = System.getProperty("imgsearch.benchmark.vtest", "");
    if (!vtest.isBlank()) { // -Dimgsearch.benchmark.vtest=DIR: camera frames (ffmpeg -i vtest.avi
      // DIR/%04d.jpg), gate off/on
      sceneGating(Path.of(vtest));
      return;
    }
    // the S3 server stands in for MinIO on machines of its own and serves tens of thousands of
    // GETs here: with the JVM's default JIT, not the tests' C1 only, unless the property says so
    if (System.getProperty(S3ServerProcess.JVM_OPTIONS_PROPERTY) == null) {
      clearS3Options = true;
      System.setProperty(
          S3ServerProcess.JVM_OPTIONS_PROPERTY, S3ServerProcess.LONG_RUNNING_JVM_OPTIONS);
    }
    line(
        "S3 server JVM options: "
            + System.getProperty(S3ServerProcess.JVM_OPTIONS_PROPERTY)
            + " (-D"
            + S3ServerProcess.JVM_OPTIONS_PROPERTY
            + "=...)");
    line("");
    String limitProperty = System.getProperty("imgsearch.benchmark.limit", "");
    double limit = limitProperty.isBlank() ? pureOnnx() : Double.parseDouble(limitProperty);
    try (JobHarness servers = JobHarness.start(tmp, "bench", "bench-secret")) {
      List<byte[]> camera = images(1632, 1224, 8); // 2.0 MP
      // -Dimgsearch.benchmark.photos=true: the 0.3 MP set is embedder-core's photos with people
      // (photos-detect),
      // scaled to 640×480, so that detection finds objects and faces as on real frames
      List<byte[]> small =
          Boolean.getBoolean("imgsearch.benchmark.photos") ? photos(640, 480) : images(640, 480, 8);
      if (!"false".equals(System.getProperty("imgsearch.benchmark.costs"))) {
        decodeCosts(servers, camera, small);
      }
      line("");
      line(
          "sink: "
              + ("none".equals(System.getProperty("imgsearch.benchmark.sink"))
                  ? "none (embedder alone)"
                  : "embedded Lucene HNSW store"));
      line("");
      line(
          "| images | JPEG decoder | batch.size | decode.threads | onnx.intra-op-threads | ORT spinning | parallelism | job images/s | ratio to (a) | core-ms per image: this JVM / S3 server | JIT compilation ms per image (runs) |");
      line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      String cameraTopic = upload(servers, "camera", camera);
      String smallTopic = upload(servers, "small", small);
      // {batch.size, decode.threads, onnx.intra-op-threads, 1 = libjpeg-turbo / 0 = ImageIO, 1 =
      // ORT spinning / 0 not}
      int[][] configs = {
        {1, 1, 0, 1, 1},
        {8, 2, 0, 1, 1},
        {16, 2, 0, 1, 1},
        {16, 2, 0, 1, 0},
        {16, 2, 1, 1, 1},
        {16, 2, 0, 0, 1}
      };
      String configsProperty = System.getProperty("imgsearch.benchmark.configs", "");
      if (!configsProperty.isBlank()) {
        configs =
            java.util.Arrays.stream(configsProperty.split(","))
                .map(
                    c ->
                        java.util.Arrays.stream(c.trim().split(":"))
                            .mapToInt(Integer::parseInt)
                            .toArray())
                .toArray(int[][]::new);
      }
      String sets = System.getProperty("imgsearch.benchmark.sets", "2,0.3");
      // -Dimgsearch.benchmark.detect=none;objects;objects,faces: each configuration with each
      // detect setting
      String[] detects = System.getProperty("imgsearch.benchmark.detect", "none").split(";");
      List<String[]> runs = new ArrayList<>();
      for (String set : sets.split(",")) {
        runs.add(
            set.trim().equals("2")
                ? new String[] {"2 MP", cameraTopic}
                : new String[] {"0.3 MP", smallTopic});
      }
      for (String[] run : runs) {
        for (int[] cfg : configs) {
          for (String detect : detects) {
            if (cfg[3] == 1 && !TurboJpeg.enabled()) {
              continue;
            }
            detectSetting =
                new DetectSettings(
                    detect,
                    List.of(),
                    DetectSettings.NONE.minScore(),
                    DetectSettings.NONE.maxObjects(),
                    DetectSettings.NONE.faceMinScore(),
                    DetectSettings.NONE.maxFaces());
            double[] rates = new double[3];
            double[] jvmCpu = new double[3];
            double[] s3Cpu = new double[3];
            double[] paired = new double[3];
            double[] jitMs = new double[3];
            double[] others = new double[3];
            try {
              if (cfg[3] == 0) {
                System.setProperty(TurboJpeg.ENABLED_PROPERTY, "false");
              }
              jobParallelism = cfg.length > 5 ? cfg[5] : 1;
              // rep -1 warms up, as (a) does: a job runs for hours, and without it the first
              // configuration listed paid the JIT compilation of every later one
              for (int rep = WARM_UP ? -1 : 0; rep < rates.length; rep++) {
                double rate =
                    job(servers, run[1], cfg[0], cfg[1], new OnnxOptions(cfg[2], 0, cfg[4] == 1));
                if (rep >= 0) {
                  if (PAIRED) {
                    jitQuiet();
                    long[] machine0 = machineBusyNanos();
                    long own0 = processCpuNanos();
                    paired[rep] = Math.max(concurrentSessions(2, 1), concurrentSessions(2, 4));
                    long[] machine1 = machineBusyNanos();
                    others[rep] =
                        (machine1[0] - machine0[0] - (processCpuNanos() - own0))
                            * (double) Runtime.getRuntime().availableProcessors()
                            / (machine1[1] - machine0[1]);
                  }
                  rates[rep] = rate;
                  jvmCpu[rep] = lastJvmCpuMsPerImage;
                  s3Cpu[rep] = lastS3CpuMsPerImage;
                  jitMs[rep] = lastJitMsPerImage;
                }
              }
            } finally {
              System.clearProperty(TurboJpeg.ENABLED_PROPERTY);
              jobParallelism = 1;
            }
            double rate = median(rates);
            line(
                String.format(
                    "| %s | %s | %d | %d | %d | %s | %d | %.1f (%.1f, %.1f, %.1f) | %.2f | %.1f / %.1f | %.2f, %.2f, %.2f |",
                    run[0]
                        + (detects.length > 1 || !detect.equals("none")
                            ? ", detect=" + detect
                            : ""),
                    cfg[3] == 1 ? "libjpeg-turbo" : "ImageIO",
                    cfg[0],
                    cfg[1],
                    cfg[2],
                    cfg[4] == 1 ? "yes" : "no",
                    cfg.length > 5 ? cfg[5] : 1,
                    rate,
                    rates[0],
                    rates[1],
                    rates[2],
                    rate / limit,
                    median(jvmCpu),
                    median(s3Cpu),
                    jitMs[0],
                    jitMs[1],
                    jitMs[2]));
            if (PAIRED) {
              double[] ratios = new double[3];
              for (int i = 0; i < 3; i++) {
                ratios[i] = rates[i] / paired[i];
              }
              pairedLines.add(
                  String.format(
                      "| %s, batch %d, parallelism %d | %.1f, %.1f, %.1f | %.2f, %.2f, %.2f | %.1f, %.1f, %.1f | %.2f, %.2f, %.2f | **%.2f** |",
                      run[0],
                      cfg[0],
                      cfg.length > 5 ? cfg[5] : 1,
                      paired[0],
                      paired[1],
                      paired[2],
                      others[0],
                      others[1],
                      others[2],
                      rates[0],
                      rates[1],
                      rates[2],
                      ratios[0],
                      ratios[1],
                      ratios[2],
                      median(ratios)));
            }
          }
        }
      }
    }
    if (!pairedLines.isEmpty()) {
      line("");
      line(
          "Paired: the model alone (two one-thread sessions, better of batch 1 and 4) measured"
              + " just after each job run, and that run's ratio:");
      line("");
      line(
          "| configuration | (a) per run, images/s | other processes' cores during (a) | job per run, images/s | ratios | median ratio |");
      line("| --- | --- | --- | --- | --- | --- |");
      pairedLines.forEach(this::line);
    }
    finish();
  }

  /**
   * (a) ONNX Runtime alone on ready tensors: images/s per batch size and intra-op threads; returns
   * the best.
   */
  double pureOnnx() {
    line("(a) pure ONNX Runtime, " + ModelDescriptor.DEFAULT_MODEL + ", ready 224×224 tensors");
    line("");
    line("| intra-op threads | batch | ms per batch | images/s |");
    line("| --- | --- | --- | --- |");
    double best = 0;
    for (int threads : new int[] {0, 1}) {
      try (OnnxImageEmbedder e =
          OnnxImageEmbedder.fromClasspath(
              ModelDescriptor.DEFAULT_MODEL, DecodeLimits.DEFAULT, new OnnxOptions(threads, 0))) {
        for (int batch : new int[] {1, 2, 4, 8, 16, 32}) {
          float[] tensor = new float[batch * 3 * 224 * 224];
          Random rnd = new Random(batch);
          for (int i = 0; i < tensor.length; i++) {
            tensor[i] = rnd.nextFloat();
          }
          for (int i = 0; i < 3; i++) {
            e.infer(tensor, batch); // warm-up
          }
          double[] rates = new double[3];
          for (int rep = 0; rep < rates.length; rep++) {
            int runs = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < 1_500_000_000L || runs < 3) {
              e.infer(tensor, batch);
              runs++;
            }
            rates[rep] = runs * batch / ((System.nanoTime() - t0) / 1e9);
          }
          double rate = median(rates);
          best = Math.max(best, rate);
          line(
              String.format(
                  "| %s | %d | %.1f | %.1f |",
                  threads == 0 ? "0 (ORT default)" : threads, batch, batch * 1000 / rate, rate));
        }
      }
    }
    line("");
    line("Two sessions of one intra-op thread each, running at once (a deployment's two slots):");
    line("");
    line("| sessions × intra-op threads | batch | images/s (both) |");
    line("| --- | --- | --- |");
    for (int batch : new int[] {1, 4, 16}) {
      double rate = concurrentSessions(2, batch);
      best = Math.max(best, rate);
      line(String.format("| 2 × 1 | %d | %.1f |", batch, rate));
    }
    line("");
    line(String.format("(a) limit: %.1f images/s", best));
    line("");
    line("For comparison, nsfwjs-inceptionv3-mixed7 (299×299), ORT default threads:");
    line("");
    line("| batch | ms per batch | images/s |");
    line("| --- | --- | --- |");
    try (OnnxImageEmbedder e =
        OnnxImageEmbedder.fromClasspath(
            "nsfwjs-inceptionv3-mixed7", DecodeLimits.DEFAULT, OnnxOptions.DEFAULT)) {
      for (int batch : new int[] {1, 8}) {
        float[] tensor = new float[batch * 3 * 299 * 299];
        for (int i = 0; i < 3; i++) {
          e.infer(tensor, batch);
        }
        int runs = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L || runs < 3) {
          e.infer(tensor, batch);
          runs++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        line(
            String.format(
                "| %d | %.1f | %.1f |", batch, seconds * 1000 / runs, runs * batch / seconds));
      }
    }
    return best;
  }

  /**
   * Images/s of {@code sessions} one-thread ONNX Runtime sessions inferring at once, each on its
   * own thread (median of three 1.5 s rounds, after a warm-up).
   */
  /**
   * Waits (≤ 15 s) until the JIT compilers have been idle for a second. Right after a job run C2
   * may still be compiling the job's code (6.7 % of the JVM's CPU samples in a profiled bench run),
   * and in two of three bench runs the model alone measured straight after the first
   * configuration's job runs came out 18–20 % below the figure after the second's (medians 298
   * against 374 and 277 against 340 images/s), inflating the first configuration's ratio.
   */
  static void jitQuiet() throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      Thread.sleep(5000);
      return;
    }
    long deadline = System.nanoTime() + 15_000_000_000L;
    long before = jit.getTotalCompilationTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = jit.getTotalCompilationTime();
      if (now == before) {
        return;
      }
      before = now;
    }
  }

  double concurrentSessions(int sessions, int batch) {
    List<OnnxImageEmbedder> embedders = new ArrayList<>();
    try {
      for (int i = 0; i < sessions; i++) {
        embedders.add(
            OnnxImageEmbedder.fromClasspath(
                ModelDescriptor.DEFAULT_MODEL, DecodeLimits.DEFAULT, new OnnxOptions(1, 0)));
      }
      float[] tensor = new float[batch * 3 * 224 * 224];
      Random rnd = new Random(batch);
      for (int i = 0; i < tensor.length; i++) {
        tensor[i] = rnd.nextFloat();
      }
      double[] rates = new double[3];
      for (int rep = -1; rep < rates.length; rep++) { // rep -1: warm-up
        AtomicLong images = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (OnnxImageEmbedder e : embedders) {
          Thread t =
              new Thread(
                  () -> {
                    while (System.nanoTime() - t0 < 1_500_000_000L) {
                      e.infer(tensor, batch);
                      images.addAndGet(batch);
                    }
                  });
          t.start();
          threads.add(t);
        }
        for (Thread t : threads) {
          t.join();
        }
        if (rep >= 0) {
          rates[rep] = images.get() / ((System.nanoTime() - t0) / 1e9);
        }
      }
      return median(rates);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      embedders.forEach(OnnxImageEmbedder::close);
    }
  }

  /** The last report line, and the report to {@code target/benchmark.md}. */
  void finish() throws IOException {
    line("");
    line("load average at end: " + load());
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "benchmark.md"), report.toString());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  /**
   * The detection test photos (people, faces, a ball), each scaled to {@code w}×{@code h} and
   * JPEG-encoded.
   */
  static List<byte[]> photos(int w, int h) throws java.io.IOException {
    List<byte[]> out = new ArrayList<>();
    for (String name : List.of("messi5.jpg", "basketball1.jpg", "basketball2.jpg")) {
      try (var in = EmbedderBenchmarkIT.class.getResourceAsStream("/photos-detect/" + name)) {
        out.add(TestImages.encode(TestImages.scaled(javax.imageio.ImageIO.read(in), w, h), "jpg"));
      }
    }
    return out;
  }

  /** The detect setting of the next {@link #job} runs. */
  DetectSettings detectSetting = DetectSettings.NONE;

  /** The job runs' parallelism (configs' sixth field). */
  int jobParallelism = 1;

  /**
   * CPU of the last {@link #job} run per image, from its first embedding to the job's end: this JVM
   * (job, broker, Lucene, JIT) and the S3 server child.
   */
  double lastJvmCpuMsPerImage;

  double lastS3CpuMsPerImage;

  /** JIT compilation time (the JVM's estimate) of the last {@link #job} run per image. */
  double lastJitMsPerImage;

  static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  /**
   * {busy, elapsed} CPU time of the whole machine so far from /proc/stat's first line (busy: user,
   * nice, system, irq, softirq, steal; elapsed: all of them with idle and iowait), in nanoseconds
   * at 100 ticks per second; {0, 1} where there is no /proc.
   */
  static long[] machineBusyNanos() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      long all = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        long ticks = Long.parseLong(f[i]);
        all += ticks;
        if (i != 4 && i != 5) {
          busy += ticks;
        }
      }
      return new long[] {busy * 10_000_000L, all * 10_000_000L};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 1};
    }
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of a child process so far (the JDK's process info), 0 when unknown. */
  static long childCpuNanos(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  /**
   * Distinct camera-like JPEGs (scene + per-pixel noise so JPEG has real entropy, like a sensor's).
   */
  static List<byte[]> images(int w, int h, int distinct) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < distinct; i++) {
      out.add(TestImages.encode(TestImages.noisyScene(w, h, 1000 + i), "jpg"));
    }
    return out;
  }

  void decodeCosts(JobHarness servers, List<byte[]> camera, List<byte[]> small) throws Exception {
    line("");
    line(
        "(c) per image, mean of "
            + 40
            + " (after warm-up); JPEG decoding in the job: "
            + TurboJpeg.status());
    line("");
    line(
        "| image | bytes | S3 GET ms | decode ms: ImageIO full resolution | ImageIO subsampled | libjpeg-turbo DCT-scaled"
            + " | pHash ms (turbo / ImageIO subsampled) | resize + tensor ms (turbo / ImageIO subsampled) |");
    line("| --- | --- | --- | --- | --- | --- | --- | --- |");
    var pre =
        new dev.imgsearch.embedder.model.Preprocessor(OnnxImageEmbedder.loadDefault().descriptor());
    ImageDecoder subsampled =
        new ImageDecoder(new DecodeLimits(32L << 20, 50_000_000L, 224), false);
    ImageDecoder full = new ImageDecoder(new DecodeLimits(32L << 20, 50_000_000L, 0), false);
    ImageDecoder turbo = new ImageDecoder(new DecodeLimits(32L << 20, 50_000_000L, 224), true);
    for (var entry :
        List.of(
            java.util.Map.entry("2 MP (1632×1224)", camera),
            java.util.Map.entry("0.3 MP (640×480)", small))) {
      byte[] img = entry.getValue().get(0);
      servers.put("probe", img);
      var fetcher = new MinioObjectFetcher(servers.minio);
      double get = time(() -> fetcher.fetch(BUCKET, "probe"));
      double sub = time(() -> subsampled.decode(img));
      double fullMs = time(() -> full.decode(img));
      String turboMs =
          TurboJpeg.enabled() ? String.format("%.1f", time(() -> turbo.decode(img))) : "n/a";
      var decoded = subsampled.decode(img);
      var fast = turbo.decode(img);
      double hash = time(() -> dev.imgsearch.embedder.image.PerceptualHash.of(decoded));
      double hashFast = time(() -> dev.imgsearch.embedder.image.PerceptualHash.of(fast));
      double tensor = time(() -> pre.toTensor(decoded));
      double tensorFast = time(() -> pre.toTensor(fast));
      line(
          String.format(
              "| %s | %d | %.1f | %.1f | %.1f | %s | %.2f / %.2f | %.2f / %.2f |",
              entry.getKey(),
              img.length,
              get,
              fullMs,
              sub,
              turboMs,
              hashFast,
              hash,
              tensorFast,
              tensor));
    }
  }

  interface Action {
    Object run() throws Exception;
  }

  static double time(Action a) throws Exception {
    for (int i = 0; i < 10; i++) {
      a.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      a.run();
    }
    return (System.nanoTime() - t0) / 1e6 / 40;
  }

  String upload(JobHarness servers, String name, List<byte[]> images) throws Exception {
    String topic = "bench-" + name;
    servers.broker.createTopics(2, topic); // two, for the runs at parallelism 2
    // objects first, eight at a time (one at a time, 6,000 PUTs took ≈ 6 minutes), then their
    // events in order
    ExecutorService puts = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        String key = name + "/" + i + ".jpg";
        byte[] bytes = images.get(i % images.size());
        done.add(
            puts.submit(
                () -> {
                  servers.put(key, bytes);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      puts.shutdownNow();
    }
    try (KafkaProducer<byte[], byte[]> producer = servers.producer()) {
      for (int i = 0; i < IMAGES; i++) {
        producer.send(JobHarness.eventRecord(topic, created(name + "/" + i + ".jpg", i).build()));
      }
    }
    return topic;
  }

  /** The creation event of object {@code key} in the bucket. */
  static ImageEvent.Builder created(String key, long eventTimeMillis) {
    return ImageEvent.newBuilder()
        .setImageId(ImageIds.of(BUCKET, key))
        .setType(ImageEventType.CREATED)
        .setBucket(BUCKET)
        .setKey(key)
        .setEventTimeMillis(eventTimeMillis);
  }

  /**
   * Scene-change gating: the frames of a fixed camera (sorted file names, one source, captured 40
   * ms apart: 25 fps) through the whole job with the embedded store, gating off and on (defaults),
   * 3 runs each.
   */
  void sceneGating(Path dir) throws Exception {
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    }
    line(
        "scene-change gating: "
            + files.size()
            + " frames of "
            + dir.getFileName()
            + " from one source at 25 fps, "
            + "embedded store, batch.size 16, decode.threads 2; JPEG decoding: "
            + TurboJpeg.status());
    line("");
    line("| gating | job frames/s (runs) | frames through the model |");
    line("| --- | --- | --- |");
    try (JobHarness servers = JobHarness.start(tmp, "bench", "bench-secret")) {
      String topic = "bench-frames";
      servers.broker.createTopics(1, topic);
      try (KafkaProducer<byte[], byte[]> producer = servers.producer()) {
        for (int i = 0; i < files.size(); i++) {
          String key = "camera/" + files.get(i).getFileName();
          servers.put(key, Files.readAllBytes(files.get(i)));
          ImageEvent e =
              created(key, i)
                  .setSource("camera")
                  .setCapturedAtMillis(1_700_000_000_000L + 40L * i)
                  .build();
          producer.send(JobHarness.eventRecord(topic, e));
        }
      }
      for (SceneGate.Settings gate : List.of(SceneGate.Settings.OFF, SceneGate.Settings.DEFAULT)) {
        double[] rates = new double[3];
        for (int rep = 0; rep < rates.length; rep++) {
          rates[rep] = job(servers, topic, 16, 2, new OnnxOptions(0, 0, false), gate, files.size());
        }
        line(
            String.format(
                "| %s | %.1f (%.1f, %.1f, %.1f) | %d of %d |",
                gate.enabled() ? "on (defaults)" : "off",
                median(rates),
                rates[0],
                rates[1],
                rates[2],
                files.size() - TimingSink.gated.get(),
                files.size()));
      }
    }
    finish();
  }

  double job(JobHarness servers, String topic, int batch, int decodeThreads, OnnxOptions onnx)
      throws Exception {
    return job(servers, topic, batch, decodeThreads, onnx, SceneGate.Settings.OFF, IMAGES);
  }

  /**
   * (b) the whole job on a bounded Kafka source; images/s between the first and the last embedding.
   */
  double job(
      JobHarness servers,
      String topic,
      int batch,
      int decodeThreads,
      OnnxOptions onnx,
      SceneGate.Settings gate,
      int images)
      throws Exception {
    TimingSink.reset();
    StreamExecutionEnvironment env = new StreamExecutionEnvironment();
    env.setParallelism(jobParallelism);
    KafkaSource<KafkaRecord> source =
        KafkaSource.<KafkaRecord>builder()
            .setBootstrapServers(servers.broker.bootstrapServers())
            .setTopics(topic)
            .setGroupId("bench-" + System.nanoTime())
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setDeserializer(new KafkaRecordDeserializer())
            .build();
    EmbedOperator.Config config =
        new EmbedOperator.Config(
            new MinioObjectFetcher.Settings(servers.s3.endpoint(), "bench", "bench-secret"),
            ModelDescriptor.DEFAULT_MODEL,
            DecodeLimits.DEFAULT,
            onnx,
            batch,
            Duration.ofMillis(50),
            decodeThreads,
            gate,
            detectSetting);
    // -Dimgsearch.benchmark.sink=none: the embedder alone (vectors counted, not indexed); default:
    // the embedded Lucene
    // store, whose HNSW graph is built in this JVM (a Milvus sink builds it on the Milvus servers
    // instead)
    Sink<IndexAction> store =
        "none".equals(System.getProperty("imgsearch.benchmark.sink"))
            ? new TimingSink<IndexAction>().counting(false)
            : new VectorStoreSink(
                StoreSettings.embedded(
                    tmp.resolve("store-" + System.nanoTime()).toString(), "images", 576),
                256);
    EmbedderJob.build(
        env,
        source,
        config,
        store,
        new TimingSink<DeadLetter>(),
        new TimingSink<EmbeddingChange>(),
        null);
    TimingSink.s3Pid = servers.s3.pid();
    cluster().executeJobBlocking(env.getStreamGraph().getJobGraph());
    lastJvmCpuMsPerImage = (processCpuNanos() - TimingSink.firstJvmCpu.get()) / 1e6 / images;
    lastS3CpuMsPerImage =
        (childCpuNanos(servers.s3.pid()) - TimingSink.firstS3Cpu.get()) / 1e6 / images;
    lastJitMsPerImage = (jitMillis() - TimingSink.firstJit.get()) / (double) images;
    assertThat(TimingSink.count.get()).isEqualTo(images);
    return (images - 1) / ((TimingSink.last.get() - TimingSink.first.get()) / 1e9);
  }

  /** Counts records and remembers when the first and the last arrived (MiniCluster: same JVM). */
  static final class TimingSink<T> implements Sink<T> {
    static final AtomicLong first = new AtomicLong();
    static final AtomicLong last = new AtomicLong();
    static final AtomicLong count = new AtomicLong();

    /** This JVM's and the S3 server's CPU time when the first record arrived. */
    static final AtomicLong firstJvmCpu = new AtomicLong();

    static final AtomicLong firstS3Cpu = new AtomicLong();
    static final AtomicLong firstJit = new AtomicLong();
    static volatile long s3Pid = -1;

    /** Changes that reuse their scene's vector (scene-change gating). */
    static final AtomicLong gated = new AtomicLong();

    private boolean counting = true;

    /** A sink that discards (false) instead of counting and timing. */
    TimingSink<T> counting(boolean counting) {
      this.counting = counting;
      return this;
    }

    static void reset() {
      first.set(0);
      last.set(0);
      count.set(0);
      gated.set(0);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context ctx) {
          if (element instanceof DeadLetter d) {
            throw new IllegalStateException(
                "unexpected dead letter: " + d.reason() + " " + d.detail());
          }
          if (!counting) {
            return;
          }
          long now = System.nanoTime();
          if (first.compareAndSet(0, now)) {
            firstJvmCpu.set(processCpuNanos());
            firstS3Cpu.set(childCpuNanos(s3Pid));
            firstJit.set(jitMillis());
          }
          last.set(now);
          count.incrementAndGet();
          if (element instanceof EmbeddingChange c && c.representativeId != null) {
            gated.incrementAndGet();
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() throws IOException {}
      };
    }
  }
}
