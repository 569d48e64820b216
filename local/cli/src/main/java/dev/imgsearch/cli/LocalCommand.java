package dev.imgsearch.cli;

import dev.imgsearch.embedder.detect.DetectMode;
import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imgsearch local}: the whole pipeline on this machine until Ctrl-C. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Start the whole pipeline locally (Kafka, S3 server, ingest-stream, Flink embedder+indexer, vector store, query API).")
final class LocalCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = LocalStackSettings.DEFAULT_DATA_DIR,
      description = "Where all data lives; kept across restarts (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Mixin StoreOptions store;

  @Option(
      names = "--http-port",
      defaultValue = "" + LocalStackSettings.DEFAULT_HTTP_PORT,
      description = "Query API port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--kafka-port",
      defaultValue = "" + LocalStackSettings.DEFAULT_KAFKA_PORT,
      description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--s3-port",
      defaultValue = "" + LocalStackSettings.DEFAULT_S3_PORT,
      description = "S3 API port (default: ${DEFAULT-VALUE}).")
  int s3Port;

  @Option(
      names = "--bucket",
      defaultValue = LocalStackSettings.DEFAULT_BUCKET,
      description = "Bucket watched for images (default: ${DEFAULT-VALUE}).")
  String bucket;

  @Option(
      names = "--checkpoint-interval",
      description =
          "Flink checkpoint interval, ISO-8601; the embedded store's writes become visible on checkpoints, so this bounds freshness (default: PT1S; PT0.2S measured p50 ≈ 0.5 s, see docs/benchmarks.md).")
  java.time.Duration checkpointInterval;

  @Option(
      names = "--milvus-consistency",
      description =
          "Milvus consistency level of the query API's reads: STRONG, SESSION, BOUNDED or EVENTUALLY (default: "
              + LocalStack.DEFAULT_MILVUS_CONSISTENCY
              + "; see docs/benchmarks.md).")
  String milvusConsistency;

  @Option(
      names = "--cluster",
      description =
          "Every stage its own process, as deployed: 3 Kafka nodes (replication factor 3, min ISR 2), a Flink"
              + " session cluster (JobManager + 2 TaskManagers) running the job submitted as its shaded jar, and the"
              + " query API in its own JVM; data in <data-dir>/cluster.")
  boolean cluster;

  @Mixin ClusterParallelism clusterParallelism;

  @Option(
      names = "--detect",
      converter = DetectModeConverter.class,
      description =
          "Objects and faces inside each frame: none, objects, faces or objects,faces (default: none; detection costs"
              + " ≈ 5× the frame embedding per image, see embedder/README.md).")
  DetectMode detect;

  /** Parses {@code --detect} as the job does; a bad value is a usage error naming the parts. */
  static final class DetectModeConverter implements CommandLine.ITypeConverter<DetectMode> {
    @Override
    public DetectMode convert(String value) {
      try {
        return DetectMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /**
   * A running local stack and the bundled Milvus server it uses, if one was started; closed in that
   * order.
   */
  record Running(RunningStack stack, LocalStackSettings settings, MilvusServer bundledMilvus)
      implements AutoCloseable {
    @Override
    public void close() {
      stack.close();
      if (bundledMilvus != null) {
        bundledMilvus.close(); // after the stack: the embedder and the API are its clients
      }
    }
  }

  /**
   * Starts the bundled Milvus server when {@code --vector-store milvus} comes without {@code
   * --milvus-uri} (failing with one line when it is not installed, before anything is started),
   * then the stack.
   */
  Running start() {
    clusterParallelism.check(cluster);
    MilvusServer milvus = null;
    String milvusUri = store.milvusUri;
    if (store.needsBundledMilvus()) {
      StoreOptions.requireMilvusInstalled();
      System.out.println(
          "Starting the bundled Milvus server (data in "
              + dataDir.toAbsolutePath().resolve("milvus")
              + ") ...");
      milvus = MilvusServer.start(dataDir.resolve("milvus"));
      milvusUri = milvus.uri();
    }
    try {
      LocalStackSettings settings =
          new LocalStackSettings(
              dataDir,
              store.vectorStore.name(),
              milvusUri,
              httpPort,
              kafkaPort,
              s3Port,
              bucket,
              LocalStackSettings.DEFAULT_ACCESS_KEY,
              LocalStackSettings.DEFAULT_SECRET_KEY);
      System.out.println(
          "Starting imgsearch local stack"
              + (cluster ? " as a multi-process cluster" : "")
              + " (data in "
              + dataDir.toAbsolutePath()
              + ") ...");
      java.util.Map<String, String> overrides = new java.util.HashMap<>();
      if (checkpointInterval != null) {
        overrides.put("checkpoint.interval", checkpointInterval.toString());
      }
      if (milvusConsistency != null) {
        overrides.put("milvus.consistency", milvusConsistency);
      }
      if (detect != null) {
        overrides.put("detect", detect.toString());
      }
      RunningStack stack =
          cluster
              ? ClusterStack.start(settings, overrides, clusterParallelism.parallelism)
              : LocalStack.start(settings, overrides);
      return new Running(stack, settings, milvus);
    } catch (RuntimeException e) {
      if (milvus != null) {
        milvus.close();
      }
      throw e;
    }
  }

  /** The long names of the options given on the command line. */
  @Override
  public Integer call() throws InterruptedException {
    Running running = start();
    RunningStack stack = running.stack();
    LocalStackSettings settings = running.settings();
    MilvusServer bundled = running.bundledMilvus();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping ...");
                  running.close();
                  stopped.countDown();
                },
                "imgsearch-shutdown"));
    StackSummary summary =
        new StackSummary(
            stack.queryApiUrl(),
            stack.flinkWebUi().orElse(null),
            stack.s3Endpoint(),
            bucket,
            settings.accessKey(),
            settings.secretKey(),
            stack.bootstrapServers(),
            store.vectorStore == StoreOptions.VectorStore.embedded
                ? "embedded (" + stack.storeSettings().path() + ")"
                : "milvus ("
                    + settings.milvusUri()
                    + (bundled != null
                        ? ", bundled server, data in " + bundled.dataDir().orElseThrow()
                        : "")
                    + ")",
            dataDir);
    System.out.print(summary.text());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
