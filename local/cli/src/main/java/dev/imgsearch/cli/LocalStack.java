package dev.imgsearch.cli;

import dev.imgsearch.embedder.job.EmbedderJob;
import dev.imgsearch.embedder.job.EmbedderSettings;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.StartOrClose;
import dev.imgsearch.query.server.QueryServer;
import dev.imgsearch.query.server.QueryServerSettings;
import dev.imgsearch.schemas.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process on embedded defaults: a Kafka broker (KRaft), an S3 server that
 * publishes MinIO notifications (child JVM), the ingest-stream app, the embedder + indexer Flink
 * job on a MiniCluster, the vector store and the query API. Data lives under the data dir and
 * survives restarts. {@link #close()} stops everything in reverse order.
 *
 * <p>Metrics, in Prometheus format under the names the k8s manifests' scrapes see: the query API's
 * on its HTTP port, ingest-stream's on {@value #INGEST_METRICS_PORT} and the Flink MiniCluster's
 * (JobManager and TaskManager metrics, e.g. the indexer sink's {@code
 * flink_taskmanager_job_task_operator_freshnessMs}) on {@value #FLINK_METRICS_PORT} through Flink's
 * Prometheus reporter, configured as in the FlinkDeployment; when a default port is taken, the next
 * free one above it. Both are logged at start ({@link #ingestMetricsUrl()}, {@link
 * #flinkMetricsUrl()}).
 */
public final class LocalStack implements RunningStack {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  public static final String COLLECTION = "images";
  private static final int PARTITIONS = 2;

  /**
   * Milvus consistency level of the query API's reads (searches and lookups) in the local stack;
   * override with the {@code milvus.consistency} embedder option. BOUNDED on the bundled server
   * (staleness bound {@code common.gracefulTime} 1 s, time tick 100 ms): a read sees every write
   * acknowledged at least 1 s earlier and never pays STRONG's wait for the next time tick. See
   * docs/benchmarks.md ("Milvus reads") for the measured trade-off.
   */
  public static final String DEFAULT_MILVUS_CONSISTENCY = "BOUNDED";

  /**
   * Default port of ingest-stream's {@code /metrics} (its own {@code metrics.port} default; the k8s
   * Deployment uses 8080); the next free one when it is taken.
   */
  public static final int INGEST_METRICS_PORT = 9404;

  /**
   * Default port of the Flink Prometheus reporter (as in the FlinkDeployment); the next free one
   * when taken.
   */
  public static final int FLINK_METRICS_PORT = 9249;

  /** Ports above a default tried when it is taken. */
  private static final int PORT_ATTEMPTS = 50;

  /** Error code of {@code /readyz} while the embedder job is not running. */
  public static final String PIPELINE_UNAVAILABLE = "pipeline-unavailable";

  private final LocalStackSettings settings;
  private final Map<String, String> embedderOverrides;
  private final StackResources resources = new StackResources();
  private volatile KafkaBroker broker;
  private S3ServerProcess s3;
  private QueryServer api;
  private StoreSettings store;
  private volatile JobClient job;
  private IngestApp ingest;
  private int flinkMetricsPort = -1;

  private LocalStack(LocalStackSettings settings, Map<String, String> embedderOverrides) {
    this.settings = settings;
    this.embedderOverrides = Map.copyOf(embedderOverrides);
  }

  public static LocalStack start(LocalStackSettings settings) {
    return start(settings, Map.of());
  }

  /**
   * Starts the stack with embedder job options (as for {@code EmbedderSettings}, e.g. {@code
   * checkpoint.interval}, {@code sink.batch}, {@code batch.max-delay}, {@code milvus.consistency})
   * overriding the local defaults.
   */
  public static LocalStack start(
      LocalStackSettings settings, Map<String, String> embedderOverrides) {
    return StartOrClose.start(new LocalStack(settings, embedderOverrides), LocalStack::startAll);
  }

  private void startAll() {
    Path data = settings.dataDir().toAbsolutePath();
    StackResources.createDataDir(data);
    broker = KafkaBroker.start(data.resolve("kafka"), settings.kafkaPort());
    resources.push(() -> broker.close()); // the current broker, also after restartKafka()
    StackWiring.createTopics(broker::createTopics, PARTITIONS);
    s3 = resources.track(startS3Server(data, settings, broker.bootstrapServers()));

    ingest =
        resources.track(new IngestApp(ingestSettings(data, freePort(INGEST_METRICS_PORT))).start());
    LOG.info("ingest-stream metrics on {}", ingestMetricsUrl());

    store = StackWiring.store(data, settings, embedderOverrides);
    // opened before the job: it creates the collection the job writes to
    api = resources.track(QueryServer.open(queryServerSettings()));

    resources.track(startEmbedderJob());
    LOG.info("Flink metrics (embedder job, indexer sink) on {}", flinkMetricsUrl());

    JobReadiness.guard(
        api.routes(), new JobReadiness(this::jobStatus, api.settings().readinessTimeout()));
    api.listen();
    LOG.warn(
        "query API on port {}: API keys are OFF (local mode, anonymous access): anyone who can reach this port can"
            + " search and read the images in bucket {}",
        api.port(),
        settings.bucket());
  }

  private QueryServerSettings queryServerSettings() {
    return StackWiring.queryServer(settings, store, s3.endpoint(), broker.bootstrapServers());
  }

  private IngestSettings ingestSettings(Path data, int metricsPort) {
    return IngestSettings.fromMap(
        StackWiring.ingestOptions(
            settings, data, broker.bootstrapServers(), s3.endpoint(), metricsPort));
  }

  private AutoCloseable startEmbedderJob() {
    Map<String, String> options =
        StackWiring.embedderOptions(
            settings, store, broker.bootstrapServers(), s3.endpoint(), embedderOverrides);
    EmbedderSettings embedderSettings = EmbedderSettings.fromMap(options);

    slowPekkoTicks(System.getProperties());
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
    // Flink's metrics in Prometheus format, configured as k8s/base/embedder/flink-deployment.yaml
    // does
    flinkMetricsPort = freePort(FLINK_METRICS_PORT);
    conf.setString(
        "metrics.reporter.prom.factory.class",
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    conf.setString("metrics.reporter.prom.port", Integer.toString(flinkMetricsPort));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    EmbedderJob.build(env, embedderSettings);
    try {
      JobClient started = env.executeAsync("imgsearch-embedder");
      job = started;
      return () -> started.cancel().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedder job: " + e.getMessage(), e);
    }
  }

  /**
   * Sets Pekko's scheduler tick to {@value #PEKKO_TICK} unless {@value #PEKKO_TICK_PROPERTY} is set
   * already. The MiniCluster's actor systems (its RPC and its metrics query service) each have a
   * scheduler thread that wakes every tick, 10 ms by default, whether a timer is due or not: 200
   * wake-ups a second in an idle stack. Only Pekko-scheduled RPC timeouts and delays (heartbeats,
   * restart delays, ask timeouts) use it, and they are seconds long; checkpoints have their own
   * timer thread and RPC messages are delivered at once. Pekko reads system properties over its
   * reference configuration when an actor system starts (Flink sets no scheduler option).
   */
  static void slowPekkoTicks(java.util.Properties system) {
    system.putIfAbsent(PEKKO_TICK_PROPERTY, PEKKO_TICK);
  }

  static final String PEKKO_TICK_PROPERTY = "pekko.scheduler.tick-duration";
  static final String PEKKO_TICK = "100ms";

  /**
   * Status of the embedder + indexer Flink job (what {@code /readyz} checks on top of the store and
   * the model).
   */
  public java.util.concurrent.CompletableFuture<JobStatus> jobStatus() {
    JobClient current = job;
    return current == null
        ? java.util.concurrent.CompletableFuture.completedFuture(JobStatus.INITIALIZING)
        : current.getJobStatus();
  }

  public String queryApiUrl() {
    return "http://127.0.0.1:" + api.port();
  }

  /** ingest-stream's Prometheus endpoint ({@code GET /metrics}). */
  public String ingestMetricsUrl() {
    return "http://127.0.0.1:" + ingest.metricsPort() + "/metrics";
  }

  /**
   * The Flink MiniCluster's Prometheus endpoint (the reporter serves every path; {@code /metrics}
   * by convention): the embedder job's and the indexer sink's metrics, named as the k8s scrape of
   * the FlinkDeployment sees them.
   */
  public String flinkMetricsUrl() {
    return "http://127.0.0.1:" + flinkMetricsPort + "/metrics";
  }

  /** The ingest-stream app (its metrics count dead letters and thread replacements). */
  public IngestApp ingest() {
    return ingest;
  }

  public String s3Endpoint() {
    return s3.endpoint();
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public LocalStackSettings settings() {
    return settings;
  }

  public StoreSettings storeSettings() {
    return store;
  }

  @Override
  public long s3ServerPid() {
    return s3.pid();
  }

  @Override
  public java.util.Optional<String> jobMetricsUrl() {
    return java.util.Optional.of(flinkMetricsUrl());
  }

  /** The S3 server process (tests stop and restart it). */
  public S3ServerProcess s3Server() {
    return s3;
  }

  /**
   * Stops the Kafka broker, waits {@code down}, and starts it again on the same port and data
   * (fault-injection tests). Every client reconnects by itself.
   */
  public synchronized void restartKafka(Duration down) throws InterruptedException {
    String bootstrap = broker.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    broker.close();
    Thread.sleep(down.toMillis());
    broker = KafkaBroker.start(settings.dataDir().toAbsolutePath().resolve("kafka"), port);
  }

  /**
   * The S3 server child process under {@code <data>/s3} on the settings' port, keys and bucket,
   * sending its bucket notifications to {@code bootstrap}.
   */
  static S3ServerProcess startS3Server(Path data, LocalStackSettings settings, String bootstrap) {
    return S3ServerProcess.start(
        data.resolve("s3"),
        settings.s3Port(),
        settings.accessKey(),
        settings.secretKey(),
        bootstrap,
        Topics.NOTIFICATIONS.name(),
        settings.bucket());
  }

  /**
   * {@code preferred} when nothing listens on it, else the next free port above it (up to {@value
   * #PORT_ATTEMPTS} tries). The check binds all interfaces, as the metrics servers do; a port taken
   * between the check and their start fails the start with the port named.
   */
  static int freePort(int preferred) {
    for (int port = preferred; port < preferred + PORT_ATTEMPTS; port++) {
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(false);
        probe.bind(new InetSocketAddress((InetAddress) null, port));
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IllegalStateException(
        "no free port for a metrics endpoint in "
            + preferred
            + ".."
            + (preferred + PORT_ATTEMPTS - 1));
  }

  @Override
  public void close() {
    resources.close();
  }
}
