package dev.imgsearch.cli;

import dev.imgsearch.embedder.image.TurboJpeg;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.local.servers.EmbedderJobJar;
import dev.imgsearch.local.servers.FlinkCluster;
import dev.imgsearch.local.servers.FlinkRest;
import dev.imgsearch.local.servers.KafkaCluster;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.StartOrClose;
import dev.imgsearch.query.server.QueryServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack as a deployment runs it, every stage its own process where it would be one: a
 * 3-node KRaft Kafka ({@link KafkaCluster}: replication factor 3, min ISR 2; the clients' producers
 * are idempotent with {@code acks=all}, Kafka's defaults), the S3 server (child JVM), ingest-stream
 * (in this JVM), a Flink standalone session cluster ({@link FlinkCluster}: a JobManager and 2
 * TaskManagers, each a JVM) running the embedder job submitted as its shaded jar through the REST
 * API ({@link FlinkRest}), and the query API in a JVM of its own ({@link QueryApiProcess}). Stages
 * get the settings of {@link LocalStack} ({@link StackWiring}); data lives under {@code
 * <data-dir>/cluster} (its Kafka is not the one-JVM stack's). {@link #close()} stops everything in
 * reverse order; every child process goes with it.
 *
 * <p>The embedded store's directory has one writer, the job's vector-store sink (one subtask,
 * wherever Flink places it); the query API opens it read-only ({@code store.read-only}) and sees
 * each checkpoint's commit within 100 ms. With Milvus the query API starts before the job, as in
 * the one-JVM stack: it creates the collection the job writes to.
 */
final class ClusterStack implements RunningStack {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterStack.class);
  private static final int PARTITIONS = 2;
  private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(3);

  /**
   * Job options of the cluster on top of the local ones: two slots per TaskManager on a small
   * machine, so one inference thread and one decode thread per slot (as FlinkClusterFaultIT).
   */
  static final Map<String, String> CLUSTER_JOB_OPTIONS =
      Map.of("onnx.intra-op-threads", "1", "decode.threads", "1");

  private final LocalStackSettings settings;
  private final Map<String, String> embedderOverrides;
  private final int parallelism;
  private final StackResources resources = new StackResources();
  private KafkaCluster kafka;
  private S3ServerProcess s3;
  private StoreSettings store;
  private FlinkCluster flink;
  private QueryApiProcess api;

  private ClusterStack(
      LocalStackSettings settings, Map<String, String> embedderOverrides, int parallelism) {
    this.settings = settings;
    this.embedderOverrides = Map.copyOf(embedderOverrides);
    this.parallelism = parallelism;
  }

  /**
   * Starts every stage and returns once the job runs and the query API serves; what was started is
   * stopped again when a later step fails.
   */
  static ClusterStack start(
      LocalStackSettings settings, Map<String, String> embedderOverrides, int parallelism) {
    return StartOrClose.start(
        new ClusterStack(settings, embedderOverrides, parallelism), ClusterStack::startAll);
  }

  private void startAll() {
    Path data = settings.dataDir().toAbsolutePath().resolve("cluster");
    StackResources.createDataDir(data);
    Path jobJar = EmbedderJobJar.locate(); // before anything starts: a missing build fails at once
    kafka = resources.track(KafkaCluster.start(data.resolve("kafka"), ClusterOptions.KAFKA_NODES));
    StackWiring.createTopics(kafka::createTopics, PARTITIONS);
    s3 = resources.track(LocalStack.startS3Server(data, settings, kafka.bootstrapServers()));
    IngestApp ingest =
        resources.track(
            new IngestApp(
                    IngestSettings.fromMap(
                        StackWiring.ingestOptions(
                            settings,
                            data,
                            kafka.bootstrapServers(),
                            s3.endpoint(),
                            LocalStack.freePort(LocalStack.INGEST_METRICS_PORT))))
                .start());
    LOG.info("ingest-stream metrics on http://127.0.0.1:{}/metrics", ingest.metricsPort());

    store = StackWiring.store(data, settings, embedderOverrides);
    if (store.kind() == StoreSettings.Kind.EMBEDDED) {
      createEmbeddedIndex(store); // the query API reads it from its first start
    }
    QueryServerSettings apiSettings =
        StackWiring.queryServer(settings, store, s3.endpoint(), kafka.bootstrapServers())
            .withHttpPort(port(settings.httpPort()))
            .withReadOnlyStore();
    // launched first: it loads its model while the Flink cluster starts
    api =
        resources.track(
            QueryApiProcess.launch(apiSettings, data.resolve("log").resolve("query-api.log")));
    flink =
        resources.track(
            FlinkCluster.start(
                data.resolve("flink"), ClusterOptions.TASK_MANAGERS, taskManagerEnv()));
    api.awaitServing(); // with Milvus it has created the collection the job writes to
    submitJob(jobJar);
    LOG.warn(
        "query API on {}: API keys are OFF (local mode, anonymous access): anyone who can reach this port can"
            + " search and read the images in bucket {}",
        api.url(),
        settings.bucket());
  }

  private void submitJob(Path jar) {
    Map<String, String> overrides = new HashMap<>(CLUSTER_JOB_OPTIONS);
    overrides.putAll(embedderOverrides);
    List<String> args = new ArrayList<>();
    StackWiring.embedderOptions(settings, store, kafka.bootstrapServers(), s3.endpoint(), overrides)
        .forEach((k, v) -> args.addAll(List.of("--" + k, v)));
    FlinkRest rest = flink.rest();
    try {
      String jobId =
          rest.runJar(rest.uploadJar(jar), EmbedderJobJar.ENTRY_CLASS, parallelism, args);
      // before the cluster in close(): a cancelled job leaves no restarts behind
      resources.push(
          () -> {
            if (!rest.job(jobId).state().equals("CANCELED")) {
              rest.cancel(jobId);
            }
          });
      rest.awaitFullyRunning(jobId, JOB_START_TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot submit the embedder job: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while submitting the embedder job", e);
    }
  }

  /**
   * Creates the embedded store's index (its first commit) and releases the directory's write lock
   * for the job's sink.
   */
  private static void createEmbeddedIndex(StoreSettings store) {
    try (VectorStore writer = VectorStores.open(store)) {
      writer.ensureCollection();
      writer.flush();
    }
  }

  /**
   * libjpeg-turbo for the TaskManagers: the launcher's {@code -Dimgsearch.turbojpeg.library} or the
   * environment variable (else the job decodes with ImageIO).
   */
  static Map<String, String> taskManagerEnv() {
    String lib = System.getenv(TurboJpeg.LIBRARY_ENV);
    if (lib == null) {
      lib = System.getProperty(TurboJpeg.LIBRARY_PROPERTY);
    }
    return lib == null ? Map.of() : Map.of(TurboJpeg.LIBRARY_ENV, lib);
  }

  /** {@code requested}, or a free port when it is 0: the query API's process needs a real one. */
  private static int port(int requested) {
    if (requested != 0) {
      return requested;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  @Override
  public String queryApiUrl() {
    return api.url();
  }

  @Override
  public Optional<String> flinkWebUi() {
    return Optional.of(flink.restUrl());
  }

  @Override
  public String s3Endpoint() {
    return s3.endpoint();
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public StoreSettings storeSettings() {
    return store;
  }

  @Override
  public long s3ServerPid() {
    return s3.pid();
  }

  @Override
  public List<Long> jobPids() {
    return flink.pids();
  }

  @Override
  public List<Long> servicePids() {
    List<Long> pids = new ArrayList<>(kafka.pids());
    pids.add(api.pid());
    return pids;
  }

  @Override
  public void close() {
    resources.close();
  }
}
