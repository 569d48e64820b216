package dev.imgsearch.cli;

import dev.imgsearch.embedder.job.EmbedderJob;
import dev.imgsearch.embedder.job.EmbedderSettings;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.server.QueryServer;
import dev.imgsearch.query.server.QueryServerSettings;
import dev.imgsearch.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process on embedded defaults: a Kafka broker (KRaft), an S3 server that publishes MinIO
 * notifications (child JVM), the ingest-stream app, the embedder + indexer Flink job on a MiniCluster, the vector
 * store and the query API. Data lives under the data dir and survives restarts. {@link #close()} stops everything in
 * reverse order.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  public static final String COLLECTION = "images";
  private static final int PARTITIONS = 2;

  /**
   * Milvus consistency level of the query API's reads (searches and lookups) in the local stack; override with the
   * {@code milvus.consistency} embedder option. See docs/benchmarks.md ("Whole pipeline") for the measured trade-off.
   */
  public static final String DEFAULT_MILVUS_CONSISTENCY = "STRONG";

  /** Error code of {@code /readyz} while the embedder job is not running. */
  public static final String PIPELINE_UNAVAILABLE = "pipeline-unavailable";

  private final LocalStackSettings settings;
  private final Map<String, String> embedderOverrides;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private volatile KafkaBroker broker;
  private S3ServerProcess s3;
  private QueryServer api;
  private StoreSettings store;
  private volatile JobClient job;
  private IngestApp ingest;

  private LocalStack(LocalStackSettings settings, Map<String, String> embedderOverrides) {
    this.settings = settings;
    this.embedderOverrides = Map.copyOf(embedderOverrides);
  }

  public static LocalStack start(LocalStackSettings settings) {
    return start(settings, Map.of());
  }

  /**
   * Starts the stack with embedder job options (as for {@code EmbedderSettings}, e.g. {@code checkpoint.interval},
   * {@code sink.batch}, {@code batch.max-delay}, {@code milvus.consistency}) overriding the local defaults.
   */
  public static LocalStack start(LocalStackSettings settings, Map<String, String> embedderOverrides) {
    LocalStack stack = new LocalStack(settings, embedderOverrides);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    Path data = settings.dataDir().toAbsolutePath();
    createDirectories(data);
    broker = KafkaBroker.start(data.resolve("kafka"), settings.kafkaPort());
    resources.push(() -> broker.close()); // the current broker, also after restartKafka()
    broker.createTopics(
        PARTITIONS, Topics.NOTIFICATIONS.name(), Topics.IMAGE_EVENTS.name(), Topics.DEAD_LETTERS.name(), Topics.RAW_FRAMES.name());
    s3 =
        track(
            S3ServerProcess.start(
                data.resolve("s3"), settings.s3Port(), settings.accessKey(), settings.secretKey(),
                broker.bootstrapServers(), Topics.NOTIFICATIONS.name(), settings.bucket()));

    ingest = track(new IngestApp(ingestSettings(data)).start());

    int dimension = QueryServerSettings.DEFAULT_DIMENSION; // the default model's, which the query API loads
    store =
        settings.vectorStore().equals("embedded")
            ? StoreSettings.embedded(data.resolve("vectors").toString(), COLLECTION, dimension)
            : StoreSettings.milvus(
                settings.milvusUri(), null, COLLECTION, dimension,
                embedderOverrides.getOrDefault("milvus.consistency", DEFAULT_MILVUS_CONSISTENCY));
    // opened before the job: it creates the collection the job writes to
    api = track(QueryServer.open(queryServerSettings()));

    track(startEmbedderJob());

    JobReadiness.guard(api.routes(), new JobReadiness(this::jobStatus, api.settings().readinessTimeout()));
    api.listen();
    LOG.warn(
        "query API on port {}: API keys are OFF (local mode, anonymous access): anyone who can reach this port can"
            + " search and read the images in bucket {}",
        api.port(), settings.bucket());
  }

  /**
   * The query server's own settings at their defaults but for the port, the S3 server, the one bucket served, and no
   * API keys: the local stack is the one place that opts out of them, and says so.
   */
  private QueryServerSettings queryServerSettings() {
    return QueryServerSettings.defaults(store)
        .withHttpPort(settings.httpPort())
        .withObjectStore(s3.endpoint(), settings.accessKey(), settings.secretKey())
        .withContentBuckets(AllowedBuckets.of(List.of(settings.bucket())))
        .withAnonymousAccess();
  }

  /** ingest-stream with the claim-check path on: raw frames published to Kafka are stored in the bucket first. */
  private IngestSettings ingestSettings(Path data) {
    return IngestSettings.fromMap(
        Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "state.dir", data.resolve("ingest-state").toString(),
            "metrics.port", "-1",
            "s3.endpoint", s3.endpoint(),
            "s3.access-key", settings.accessKey(),
            "s3.secret-key", settings.secretKey(),
            "frames.bucket", settings.bucket()));
  }

  private AutoCloseable startEmbedderJob() {
    Map<String, String> options = new HashMap<>();
    options.put("kafka.bootstrap-servers", broker.bootstrapServers());
    options.put("s3.endpoint", s3.endpoint());
    options.put("s3.access-key", settings.accessKey());
    options.put("s3.secret-key", settings.secretKey());
    options.put("checkpoint.interval", EmbedderJob.LOCAL_CHECKPOINT_INTERVAL.toString());
    options.put("store.kind", store.kind() == StoreSettings.Kind.EMBEDDED ? "embedded" : "milvus");
    options.put("store.collection", store.collection());
    options.put("store.dimension", Integer.toString(store.dimension()));
    if (store.path() != null) {
      options.put("store.path", store.path());
    }
    if (store.milvusUri() != null) {
      options.put("milvus.uri", store.milvusUri());
      options.put("milvus.consistency", store.consistency());
    }
    options.putAll(embedderOverrides);
    EmbedderSettings embedderSettings = EmbedderSettings.fromMap(options);

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
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

  /** Status of the embedder + indexer Flink job (what {@code /readyz} checks on top of the store and the model). */
  public java.util.concurrent.CompletableFuture<JobStatus> jobStatus() {
    JobClient current = job;
    return current == null
        ? java.util.concurrent.CompletableFuture.completedFuture(JobStatus.INITIALIZING)
        : current.getJobStatus();
  }

  public String queryApiUrl() {
    return "http://127.0.0.1:" + api.port();
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

  /** The S3 server process (tests stop and restart it). */
  public S3ServerProcess s3Server() {
    return s3;
  }

  /**
   * Stops the Kafka broker, waits {@code down}, and starts it again on the same port and data (fault-injection tests).
   * Every client reconnects by itself.
   */
  public synchronized void restartKafka(Duration down) throws InterruptedException {
    String bootstrap = broker.bootstrapServers();
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    broker.close();
    Thread.sleep(down.toMillis());
    broker = KafkaBroker.start(settings.dataDir().toAbsolutePath().resolve("kafka"), port);
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.push(resource);
    return resource;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + dir, e);
    }
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", r, e.toString());
      }
    }
  }
}
