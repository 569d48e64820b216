package dev.imgsearch.query.server;

import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.ImageContentSource;
import dev.imgsearch.query.ImageUrlSigner;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.watch.KafkaWatches;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.schemas.S3Clients;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.minio.MinioClient;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API as its own process (the container entry point, {@link #main}): {@code --name value}
 * options or {@code IMGSEARCH_QUERY_*} environment variables, see {@link QueryServerSettings}. The
 * local stack starts the same way in process: {@link #open}, handlers added to {@link #routes()},
 * {@link #listen()}, and {@link #close()}.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

  private final QueryServerSettings settings;
  private final QueryApi api;

  /**
   * What {@link #close()} releases, last opened first: the HTTP server, the service, the store, the
   * model.
   */
  private final Deque<AutoCloseable> resources;

  private QueryServer(QueryServerSettings settings, QueryApi api, Deque<AutoCloseable> resources) {
    this.settings = settings;
    this.api = api;
    this.resources = resources;
  }

  /**
   * Wires model, store, object store and HTTP from settings; does not listen yet. What was opened
   * is closed again if a later step fails.
   *
   * @throws IllegalStateException if the settings have neither API keys nor the anonymous opt-out
   *     (fail closed)
   */
  public static QueryServer open(QueryServerSettings s) {
    LOG.info("starting query API: {}", s);
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      OnnxImageEmbedder embedder =
          OnnxImageEmbedder.fromClasspath(s.model(), DecodeLimits.DEFAULT, s.intraOpThreads());
      resources.push(embedder);
      VectorStore store =
          s.storeReadOnly() ? VectorStores.openReader(s.store()) : VectorStores.open(s.store());
      resources.push(store);
      store.ensureCollection();
      ImageContentSource content = ImageContentSource.NONE;
      ImageUrlSigner signer = ImageUrlSigner.NONE;
      if (s.s3Endpoint() != null) {
        MinioClient minio =
            S3Clients.minio(s.s3Endpoint(), s.s3AccessKey(), s.s3SecretKey())
                .region("us-east-1")
                .build();
        content = new MinioContentSource(minio);
        // browsers outside the cluster fetch presigned URLs, and the signature covers the host:
        // sign for the public one
        signer = new MinioUrlSigner(s.s3PublicEndpoint() == null ? minio : signingClient(s));
      }
      QueryService service =
          QueryService.builder(embedder, store)
              .contentSource(content)
              .urlSigner(signer)
              .storeTimeout(s.storeTimeout())
              .allowedBuckets(s.contentBuckets())
              .build();
      resources.push(service);
      Watches watches = null;
      if (s.watches() != null) {
        KafkaWatches kafka =
            KafkaWatches.open(
                s.watches().clientProperties(),
                s.watches().watchesTopic(),
                s.watches().alertsTopic(),
                s.watches().webhooks(),
                s.watches().alertHistoryPerWatch());
        resources.push(kafka);
        watches = kafka.watches();
      }
      QueryApi api =
          new QueryApi(
              service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options(s), watches);
      resources.push(api::stop);
      return new QueryServer(s, api, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  /**
   * Wires model, store, object store and HTTP from settings, starts serving and stops everything at
   * JVM exit.
   */
  public static QueryApi start(QueryServerSettings s) {
    QueryServer server = open(s).listen();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "query-api-shutdown"));
    return server.api;
  }

  /**
   * The routing, not yet started: handlers added here run before the API's own (e.g. an extra
   * readiness check).
   */
  public Javalin routes() {
    return api.app();
  }

  /** Starts listening on all interfaces at the settings' port. */
  public QueryServer listen() {
    api.start(settings.httpPort());
    return this;
  }

  /** The bound port once listening. */
  public int port() {
    return api.port();
  }

  /** The settings this server was opened with. */
  public QueryServerSettings settings() {
    return settings;
  }

  /** Stops serving, then closes the service, the store and the model. */
  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    synchronized (resources) {
      while (!resources.isEmpty()) {
        AutoCloseable r = resources.pop();
        try {
          r.close();
        } catch (Exception e) {
          LOG.warn("error while stopping the query API ({}): {}", r, e.toString());
        }
      }
    }
  }

  /** The HTTP options of the settings. */
  static QueryApiOptions options(QueryServerSettings s) {
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withMaxBodyBytes(s.maxBodyBytes())
            .withReadinessTimeout(s.readinessTimeout())
            .withPresignExpiry(s.presignExpiry())
            .withDecodeLimit(s.maxConcurrentDecodes(), s.decodeWait())
            .withMinRequestDataRate(s.minRequestDataRate())
            .withIdleTimeout(s.idleTimeout())
            .withMaxThreads(s.maxThreads());
    return s.apiKeys().isBlank() && s.allowAnonymous()
        ? options.withAnonymousAccess()
        : options.withApiKeys(ApiKeys.parse(s.apiKeys()));
  }

  /**
   * A client for presigning only, addressed to the public endpoint; with the region set, presigning
   * is computed locally and never connects to that host.
   */
  public static MinioClient signingClient(QueryServerSettings s) {
    return S3Clients.minio(s.s3PublicEndpoint(), s.s3AccessKey(), s.s3SecretKey())
        .region("us-east-1")
        .build();
  }

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(QueryServerSettings.REGISTRY.help());
      return;
    }
    QueryServerSettings settings;
    try {
      settings = QueryServerSettings.fromEnv(System.getenv(), QueryServerSettings.parseFlags(args));
    } catch (IllegalArgumentException e) {
      System.err.println("query-api: " + e.getMessage());
      System.err.println("(--help lists the options)");
      System.exit(2);
      return;
    }
    start(settings);
  }
}
