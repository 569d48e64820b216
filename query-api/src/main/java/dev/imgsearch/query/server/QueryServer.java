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
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.minio.MinioClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API as its own process (the container entry point): {@code --name value} options or
 * {@code IMGSEARCH_QUERY_*} environment variables, see {@link QueryServerSettings}.
 */
public final class QueryServer {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

  private QueryServer() {}

  /** Wires model, store, object store and HTTP from settings and starts serving. */
  public static QueryApi start(QueryServerSettings s) {
    LOG.info("starting query API: {}", s);
    OnnxImageEmbedder embedder = OnnxImageEmbedder.fromClasspath(s.model(), DecodeLimits.DEFAULT, s.intraOpThreads());
    VectorStore store = VectorStores.open(s.store());
    store.ensureCollection();
    ImageContentSource content = ImageContentSource.NONE;
    ImageUrlSigner signer = ImageUrlSigner.NONE;
    if (s.s3Endpoint() != null) {
      MinioClient minio =
          MinioClient.builder().endpoint(s.s3Endpoint()).region("us-east-1").credentials(s.s3AccessKey(), s.s3SecretKey()).build();
      content = new MinioContentSource(minio);
      // browsers outside the cluster fetch presigned URLs, and the signature covers the host: sign for the public one
      signer = new MinioUrlSigner(s.s3PublicEndpoint() == null ? minio : signingClient(s));
    }
    QueryService service =
        QueryService.builder(embedder, store)
            .contentSource(content)
            .urlSigner(signer)
            .storeTimeout(s.storeTimeout())
            .allowedBuckets(s.contentBuckets())
            .build();
    QueryApiOptions options = options(s);
    QueryApi api = new QueryApi(service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options).start(s.httpPort());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.stop();
                  service.close();
                  store.close();
                  embedder.close();
                },
                "query-api-shutdown"));
    return api;
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
   * A client for presigning only, addressed to the public endpoint; with the region set, presigning is computed locally
   * and never connects to that host.
   */
  public static MinioClient signingClient(QueryServerSettings s) {
    return MinioClient.builder()
        .endpoint(s.s3PublicEndpoint())
        .region("us-east-1")
        .credentials(s.s3AccessKey(), s.s3SecretKey())
        .build();
  }

  public static void main(String[] args) {
    QueryServerSettings settings;
    try {
      settings = QueryServerSettings.fromEnv(System.getenv(), QueryServerSettings.parseFlags(args));
    } catch (IllegalArgumentException e) {
      System.err.println("query-api: " + e.getMessage());
      System.exit(2);
      return;
    }
    start(settings);
  }
}
