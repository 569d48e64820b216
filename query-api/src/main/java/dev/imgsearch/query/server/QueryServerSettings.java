package dev.imgsearch.query.server;

import static dev.imgsearch.query.server.QueryServerOptions.ALLOW_ANONYMOUS;
import static dev.imgsearch.query.server.QueryServerOptions.API_KEYS;
import static dev.imgsearch.query.server.QueryServerOptions.CONTENT_BUCKETS;
import static dev.imgsearch.query.server.QueryServerOptions.DECODE_WAIT;
import static dev.imgsearch.query.server.QueryServerOptions.HTTP_PORT;
import static dev.imgsearch.query.server.QueryServerOptions.IDLE_TIMEOUT;
import static dev.imgsearch.query.server.QueryServerOptions.INTRA_OP_THREADS;
import static dev.imgsearch.query.server.QueryServerOptions.MAX_BODY_BYTES;
import static dev.imgsearch.query.server.QueryServerOptions.MAX_CONCURRENT_DECODES;
import static dev.imgsearch.query.server.QueryServerOptions.MAX_THREADS;
import static dev.imgsearch.query.server.QueryServerOptions.MIN_REQUEST_DATA_RATE;
import static dev.imgsearch.query.server.QueryServerOptions.MODEL;
import static dev.imgsearch.query.server.QueryServerOptions.PRESIGN_EXPIRY;
import static dev.imgsearch.query.server.QueryServerOptions.READINESS_TIMEOUT;
import static dev.imgsearch.query.server.QueryServerOptions.S3_ACCESS_KEY;
import static dev.imgsearch.query.server.QueryServerOptions.S3_ENDPOINT;
import static dev.imgsearch.query.server.QueryServerOptions.S3_PUBLIC_ENDPOINT;
import static dev.imgsearch.query.server.QueryServerOptions.S3_SECRET_KEY;
import static dev.imgsearch.query.server.QueryServerOptions.STORE_READ_ONLY;
import static dev.imgsearch.query.server.QueryServerOptions.STORE_TIMEOUT;

import dev.imgsearch.embedder.model.ModelDescriptor;
import dev.imgsearch.indexer.store.StoreOptions;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.schemas.config.Configuration;
import dev.imgsearch.schemas.config.OptionRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Settings of the standalone query API ({@link QueryServer}). Options come as {@code --name value}
 * flags; each may also come from the environment as {@code IMGSEARCH_QUERY_<NAME>} (upper case, '.'
 * and '-' as '_'), flags winning — secrets (S3 keys, Milvus token, API keys) are meant for the
 * environment.
 */
public record QueryServerSettings(
    int httpPort,
    StoreSettings store,
    String model,
    int intraOpThreads,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String apiKeys,
    long maxBodyBytes,
    Duration readinessTimeout,
    Duration presignExpiry,
    Duration storeTimeout,
    boolean allowAnonymous,
    String s3PublicEndpoint,
    AllowedBuckets contentBuckets,
    int maxConcurrentDecodes,
    Duration decodeWait,
    long minRequestDataRate,
    Duration idleTimeout,
    int maxThreads,
    WatchSettings watches,
    boolean storeReadOnly) {

  /** Default of {@code http.port}. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  /** Default of {@code model}: the bundled model. */
  public static final String DEFAULT_MODEL = ModelDescriptor.DEFAULT_MODEL;

  /** Default of {@code store.dimension}: the vector dimension of {@link #DEFAULT_MODEL}. */
  public static final int DEFAULT_DIMENSION = StoreOptions.DEFAULT_DIMENSION;

  /** Default of {@code store.collection}. */
  public static final String DEFAULT_COLLECTION = StoreOptions.DEFAULT_COLLECTION;

  public static final String ENV_PREFIX = QueryServerOptions.ENV_PREFIX;

  /**
   * Every option of the query API ({@link QueryServerOptions}), declared once: parsing, env names,
   * help and the README table come from it.
   */
  public static final OptionRegistry REGISTRY = QueryServerOptions.REGISTRY;

  /** Every option name the server reads. */
  public static final Set<String> OPTIONS = REGISTRY.keys();

  public static String envName(String option) {
    return REGISTRY.envName(option);
  }

  /**
   * Every option at its default, serving {@code store}, without an object store and with neither
   * API keys nor the anonymous opt-out: {@link QueryServer} refuses to start these until {@link
   * #withAnonymousAccess()} (or keys, from the options) is added. The defaults are those of {@link
   * #fromMap} (which starts from here).
   */
  public static QueryServerSettings defaults(StoreSettings store) {
    return new QueryServerSettings(
        DEFAULT_HTTP_PORT,
        Objects.requireNonNull(store, "store"),
        DEFAULT_MODEL,
        0,
        null,
        null,
        null,
        "",
        QueryApiOptions.DEFAULT_MAX_BODY_BYTES,
        QueryApiOptions.DEFAULT_READINESS_TIMEOUT,
        QueryApiOptions.DEFAULT_PRESIGN_EXPIRY,
        QueryService.DEFAULT_STORE_TIMEOUT,
        false,
        null,
        AllowedBuckets.defaults(),
        Runtime.getRuntime().availableProcessors(),
        QueryApiOptions.DEFAULT_DECODE_WAIT,
        QueryApiOptions.DEFAULT_MIN_REQUEST_DATA_RATE,
        QueryApiOptions.DEFAULT_IDLE_TIMEOUT,
        QueryApiOptions.DEFAULT_MAX_THREADS,
        null,
        false);
  }

  /** These settings listening on {@code port} (0 picks a free one). */
  public QueryServerSettings withHttpPort(int port) {
    return with(f -> f.httpPort = port);
  }

  /**
   * These settings reading content from, and signing URLs for, the S3 server at {@code endpoint}.
   */
  public QueryServerSettings withObjectStore(String endpoint, String accessKey, String secretKey) {
    return with(
        f -> {
          f.s3Endpoint = Objects.requireNonNull(endpoint, "endpoint");
          f.s3AccessKey = Objects.requireNonNull(accessKey, "accessKey");
          f.s3SecretKey = Objects.requireNonNull(secretKey, "secretKey");
        });
  }

  /** These settings serving and signing only objects in {@code buckets}. */
  public QueryServerSettings withContentBuckets(AllowedBuckets buckets) {
    return with(f -> f.contentBuckets = Objects.requireNonNull(buckets, "buckets"));
  }

  /**
   * These settings with the explicit opt-out of API keys (local mode only; logged as a warning at
   * start).
   *
   * @throws IllegalStateException if API keys are set
   */
  public QueryServerSettings withAnonymousAccess() {
    if (!apiKeys.isBlank()) {
      throw new IllegalStateException(
          "anonymous access contradicts the configured API keys: set one of them");
    }
    return with(f -> f.allowAnonymous = true);
  }

  /** These settings with standing queries on Kafka ({@code null}: off). */
  public QueryServerSettings withWatches(WatchSettings w) {
    return with(f -> f.watches = w);
  }

  /**
   * These settings opening the embedded store read-only (another process, the job's sink, writes
   * it); Milvus ignores it.
   */
  public QueryServerSettings withReadOnlyStore() {
    return with(f -> f.storeReadOnly = true);
  }

  /** A copy with what {@code change} sets. */
  private QueryServerSettings with(Consumer<Fields> change) {
    Fields f = new Fields();
    change.accept(f);
    return new QueryServerSettings(
        f.httpPort,
        store,
        model,
        intraOpThreads,
        f.s3Endpoint,
        f.s3AccessKey,
        f.s3SecretKey,
        apiKeys,
        maxBodyBytes,
        readinessTimeout,
        presignExpiry,
        storeTimeout,
        f.allowAnonymous,
        s3PublicEndpoint,
        f.contentBuckets,
        maxConcurrentDecodes,
        decodeWait,
        minRequestDataRate,
        idleTimeout,
        maxThreads,
        f.watches,
        f.storeReadOnly);
  }

  /** The components a {@code with...} method may change, starting as they are. */
  private final class Fields {
    int httpPort = QueryServerSettings.this.httpPort;
    String s3Endpoint = QueryServerSettings.this.s3Endpoint;
    String s3AccessKey = QueryServerSettings.this.s3AccessKey;
    String s3SecretKey = QueryServerSettings.this.s3SecretKey;
    boolean allowAnonymous = QueryServerSettings.this.allowAnonymous;
    AllowedBuckets contentBuckets = QueryServerSettings.this.contentBuckets;
    WatchSettings watches = QueryServerSettings.this.watches;
    boolean storeReadOnly = QueryServerSettings.this.storeReadOnly;
  }

  /**
   * Flags over environment; unknown flags and missing required options fail with the option's name.
   */
  public static QueryServerSettings fromEnv(Map<String, String> env, Map<String, String> flags) {
    return of(REGISTRY.fromEnv(env, flags));
  }

  public static QueryServerSettings fromMap(Map<String, String> m) {
    return of(REGISTRY.parse(m));
  }

  private static QueryServerSettings of(Configuration c) {
    StoreSettings store = StoreOptions.settings(c);
    String s3 = c.get(S3_ENDPOINT);
    if (s3 != null && (c.get(S3_ACCESS_KEY) == null || c.get(S3_SECRET_KEY) == null)) {
      throw new IllegalArgumentException(
          "--s3.endpoint needs --s3.access-key and --s3.secret-key (or their env vars)");
    }
    Duration storeTimeout = c.get(STORE_TIMEOUT);
    if (storeTimeout.isNegative() || storeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "--store.timeout must be a positive duration, got " + storeTimeout);
    }
    String apiKeys = Objects.requireNonNullElse(c.get(API_KEYS), "");
    boolean anonymous = c.get(ALLOW_ANONYMOUS);
    if (apiKeys.isBlank() && !anonymous) {
      throw new IllegalArgumentException(
          "no API keys: set --api-keys (env "
              + envName("api-keys")
              + "), or --allow-anonymous true to serve"
              + " without authentication (local mode only)");
    }
    if (!apiKeys.isBlank() && anonymous) {
      throw new IllegalArgumentException(
          "--allow-anonymous true contradicts --api-keys: set one of them");
    }
    if (!apiKeys.isBlank()) {
      named(
          "api-keys",
          () -> ApiKeys.parse(apiKeys)); // a malformed key fails here, before anything starts
    }
    String publicEndpoint =
        c.get(S3_PUBLIC_ENDPOINT); // blank (e.g. an unset ConfigMap entry) counts as none
    if (publicEndpoint != null && s3 == null) {
      throw new IllegalArgumentException("--s3.public-endpoint needs --s3.endpoint");
    }
    if (publicEndpoint != null && !publicEndpoint.matches("https?://[^/?#\\s]+/?")) {
      throw new IllegalArgumentException(
          "--s3.public-endpoint must be a scheme and host such as https://images.example.com, got "
              + publicEndpoint);
    }
    AllowedBuckets buckets;
    try {
      buckets = AllowedBuckets.parse(c.get(CONTENT_BUCKETS));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--content.buckets: " + e.getMessage(), e);
    }
    int decodes = c.get(MAX_CONCURRENT_DECODES);
    Duration decodeWait = c.get(DECODE_WAIT);
    long minRate = c.get(MIN_REQUEST_DATA_RATE);
    Duration idle = c.get(IDLE_TIMEOUT);
    int threads = c.get(MAX_THREADS);
    QueryApiOptions http = QueryApiOptions.defaults();
    named(
        "max-concurrent-decodes / --decode.wait", () -> http.withDecodeLimit(decodes, decodeWait));
    named("http.min-request-data-rate", () -> http.withMinRequestDataRate(minRate));
    named("http.idle-timeout", () -> http.withIdleTimeout(idle));
    named("http.max-threads", () -> http.withMaxThreads(threads));
    return new QueryServerSettings(
        c.get(HTTP_PORT),
        store,
        c.get(MODEL),
        c.get(INTRA_OP_THREADS),
        s3,
        c.get(S3_ACCESS_KEY),
        c.get(S3_SECRET_KEY),
        apiKeys,
        c.get(MAX_BODY_BYTES),
        c.get(READINESS_TIMEOUT),
        c.get(PRESIGN_EXPIRY),
        storeTimeout,
        anonymous,
        publicEndpoint,
        buckets,
        decodes,
        decodeWait,
        minRate,
        idle,
        threads,
        QueryServerOptions.watchSettings(c),
        c.get(STORE_READ_ONLY));
  }

  /** Runs a validation, prefixing its message with the option's name. */
  private static void named(String option, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + option + ": " + e.getMessage(), e);
    }
  }

  /** Parses {@code --name value} pairs. */
  public static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + args[i]);
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    return flags;
  }

  /** The settings as text with secrets masked, for the start-up log. */
  @Override
  public String toString() {
    return "QueryServerSettings[httpPort="
        + httpPort
        + ", store="
        + store.kind()
        + ":"
        + store.collection()
        + "/"
        + store.dimension()
        + (storeReadOnly ? " (read-only)" : "")
        + ", model="
        + model
        + ", s3Endpoint="
        + s3Endpoint
        + ", apiKeys="
        + (apiKeys.isBlank() ? "off (anonymous access)" : "on")
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", readinessTimeout="
        + readinessTimeout
        + ", presignExpiry="
        + presignExpiry
        + ", storeTimeout="
        + storeTimeout
        + ", s3PublicEndpoint="
        + s3PublicEndpoint
        + ", contentBuckets="
        + contentBuckets
        + ", maxConcurrentDecodes="
        + maxConcurrentDecodes
        + ", decodeWait="
        + decodeWait
        + ", minRequestDataRate="
        + minRequestDataRate
        + ", idleTimeout="
        + idleTimeout
        + ", maxThreads="
        + maxThreads
        + ", watches="
        + (watches == null ? "off" : watches)
        + "]";
  }
}
