package dev.imgsearch.query.server;

import static dev.imgsearch.query.server.OptionValues.booleanOption;
import static dev.imgsearch.query.server.OptionValues.duration;
import static dev.imgsearch.query.server.OptionValues.intOption;
import static dev.imgsearch.query.server.OptionValues.longOption;
import static dev.imgsearch.query.server.OptionValues.named;
import static dev.imgsearch.query.server.OptionValues.required;

import dev.imgsearch.embedder.model.ModelDescriptor;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the standalone query API ({@link QueryServer}). Options come as {@code --name value} flags; each may
 * also come from the environment as {@code IMGSEARCH_QUERY_<NAME>} (upper case, '.' and '-' as '_'), flags winning —
 * secrets (S3 keys, Milvus token, API keys) are meant for the environment.
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
    int maxThreads) {

  /** Default of {@code http.port}. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  /** Default of {@code model}: the bundled model. */
  public static final String DEFAULT_MODEL = ModelDescriptor.DEFAULT_MODEL;

  /** Default of {@code store.dimension}: the vector dimension of {@link #DEFAULT_MODEL}. */
  public static final int DEFAULT_DIMENSION = 576;

  /** Default of {@code store.collection}. */
  public static final String DEFAULT_COLLECTION = "images";

  /** Every option name the server reads. */
  public static final Set<String> OPTIONS =
      Set.of("http.port", "store.kind", "store.collection", "store.dimension", "store.path", "milvus.uri",
          "milvus.token", "milvus.consistency", "model", "onnx.intra-op-threads", "s3.endpoint", "s3.access-key",
          "s3.secret-key", "api-keys", "max-body-bytes", "readiness.timeout", "presign.expiry", "store.timeout",
          "allow-anonymous", "s3.public-endpoint", "content.buckets", "max-concurrent-decodes", "decode.wait",
          "http.min-request-data-rate", "http.idle-timeout", "http.max-threads");

  public static String envName(String option) {
    return "IMGSEARCH_QUERY_" + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Every option at its default, serving {@code store}, without an object store and with neither API keys nor the
   * anonymous opt-out: {@link QueryServer} refuses to start these until {@link #withAnonymousAccess()} (or keys, from
   * the options) is added. The defaults are those of {@link #fromMap} (which starts from here).
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
        QueryApiOptions.DEFAULT_MAX_THREADS);
  }

  /** These settings listening on {@code port} (0 picks a free one). */
  public QueryServerSettings withHttpPort(int port) {
    return new QueryServerSettings(port, store, model, intraOpThreads, s3Endpoint, s3AccessKey, s3SecretKey, apiKeys,
        maxBodyBytes, readinessTimeout, presignExpiry, storeTimeout, allowAnonymous, s3PublicEndpoint, contentBuckets,
        maxConcurrentDecodes, decodeWait, minRequestDataRate, idleTimeout, maxThreads);
  }

  /** These settings reading content from, and signing URLs for, the S3 server at {@code endpoint}. */
  public QueryServerSettings withObjectStore(String endpoint, String accessKey, String secretKey) {
    return new QueryServerSettings(httpPort, store, model, intraOpThreads, Objects.requireNonNull(endpoint, "endpoint"),
        Objects.requireNonNull(accessKey, "accessKey"), Objects.requireNonNull(secretKey, "secretKey"), apiKeys,
        maxBodyBytes, readinessTimeout, presignExpiry, storeTimeout, allowAnonymous, s3PublicEndpoint, contentBuckets,
        maxConcurrentDecodes, decodeWait, minRequestDataRate, idleTimeout, maxThreads);
  }

  /** These settings serving and signing only objects in {@code buckets}. */
  public QueryServerSettings withContentBuckets(AllowedBuckets buckets) {
    return new QueryServerSettings(httpPort, store, model, intraOpThreads, s3Endpoint, s3AccessKey, s3SecretKey,
        apiKeys, maxBodyBytes, readinessTimeout, presignExpiry, storeTimeout, allowAnonymous, s3PublicEndpoint,
        Objects.requireNonNull(buckets, "buckets"), maxConcurrentDecodes, decodeWait, minRequestDataRate, idleTimeout,
        maxThreads);
  }

  /**
   * These settings with the explicit opt-out of API keys (local mode only; logged as a warning at start).
   *
   * @throws IllegalStateException if API keys are set
   */
  public QueryServerSettings withAnonymousAccess() {
    if (!apiKeys.isBlank()) {
      throw new IllegalStateException("anonymous access contradicts the configured API keys: set one of them");
    }
    return new QueryServerSettings(httpPort, store, model, intraOpThreads, s3Endpoint, s3AccessKey, s3SecretKey,
        apiKeys, maxBodyBytes, readinessTimeout, presignExpiry, storeTimeout, true, s3PublicEndpoint, contentBuckets,
        maxConcurrentDecodes, decodeWait, minRequestDataRate, idleTimeout, maxThreads);
  }

  /** Flags over environment; unknown flags and missing required options fail with the option's name. */
  public static QueryServerSettings fromEnv(Map<String, String> env, Map<String, String> flags) {
    Map<String, String> m = new HashMap<>();
    for (String option : OPTIONS) {
      String v = env.get(envName(option));
      if (v != null && !v.isBlank()) {
        m.put(option, v);
      }
    }
    m.putAll(flags);
    return fromMap(m);
  }

  public static QueryServerSettings fromMap(Map<String, String> m) {
    for (String name : m.keySet()) {
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + new java.util.TreeSet<>(OPTIONS));
      }
    }
    String kind = m.getOrDefault("store.kind", "milvus");
    String collection = m.getOrDefault("store.collection", DEFAULT_COLLECTION);
    int dimension = intOption(m, "store.dimension", DEFAULT_DIMENSION);
    StoreSettings store =
        switch (kind) {
          case "embedded" -> StoreSettings.embedded(required(m, "store.path"), collection, dimension);
          case "milvus" ->
              StoreSettings.milvus(
                  required(m, "milvus.uri"), m.get("milvus.token"), collection, dimension,
                  m.getOrDefault("milvus.consistency", "BOUNDED"));
          default -> throw new IllegalArgumentException("--store.kind must be embedded or milvus, not " + kind);
        };
    String s3 = m.get("s3.endpoint");
    if (s3 != null && (m.get("s3.access-key") == null || m.get("s3.secret-key") == null)) {
      throw new IllegalArgumentException("--s3.endpoint needs --s3.access-key and --s3.secret-key (or their env vars)");
    }
    QueryServerSettings d = defaults(store);
    Duration storeTimeout = duration(m, "store.timeout", d.storeTimeout().toString());
    if (storeTimeout.isNegative() || storeTimeout.isZero()) {
      throw new IllegalArgumentException("--store.timeout must be a positive duration, got " + storeTimeout);
    }
    String apiKeys = m.getOrDefault("api-keys", "");
    boolean anonymous = booleanOption(m, "allow-anonymous");
    if (apiKeys.isBlank() && !anonymous) {
      throw new IllegalArgumentException(
          "no API keys: set --api-keys (env " + envName("api-keys") + "), or --allow-anonymous true to serve"
              + " without authentication (local mode only)");
    }
    if (!apiKeys.isBlank() && anonymous) {
      throw new IllegalArgumentException("--allow-anonymous true contradicts --api-keys: set one of them");
    }
    if (!apiKeys.isBlank()) {
      named("api-keys", () -> ApiKeys.parse(apiKeys)); // a malformed key fails here, before anything starts
    }
    String publicEndpoint = m.get("s3.public-endpoint");
    if (publicEndpoint != null && publicEndpoint.isBlank()) {
      publicEndpoint = null; // an empty value (e.g. an unset ConfigMap entry) means none
    }
    if (publicEndpoint != null && s3 == null) {
      throw new IllegalArgumentException("--s3.public-endpoint needs --s3.endpoint");
    }
    if (publicEndpoint != null && !publicEndpoint.matches("https?://[^/?#\\s]+/?")) {
      throw new IllegalArgumentException(
          "--s3.public-endpoint must be a scheme and host such as https://images.example.com, got " + publicEndpoint);
    }
    AllowedBuckets buckets;
    try {
      buckets = AllowedBuckets.parse(m.getOrDefault("content.buckets", AllowedBuckets.DEFAULT_BUCKET));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--content.buckets: " + e.getMessage(), e);
    }
    int decodes = intOption(m, "max-concurrent-decodes", d.maxConcurrentDecodes());
    Duration decodeWait = duration(m, "decode.wait", d.decodeWait().toString());
    long minRate = longOption(m, "http.min-request-data-rate", d.minRequestDataRate());
    Duration idle = duration(m, "http.idle-timeout", d.idleTimeout().toString());
    int threads = intOption(m, "http.max-threads", d.maxThreads());
    QueryApiOptions http = QueryApiOptions.defaults();
    named("max-concurrent-decodes / --decode.wait", () -> http.withDecodeLimit(decodes, decodeWait));
    named("http.min-request-data-rate", () -> http.withMinRequestDataRate(minRate));
    named("http.idle-timeout", () -> http.withIdleTimeout(idle));
    named("http.max-threads", () -> http.withMaxThreads(threads));
    return new QueryServerSettings(
        intOption(m, "http.port", d.httpPort()),
        store,
        m.getOrDefault("model", d.model()),
        intOption(m, "onnx.intra-op-threads", d.intraOpThreads()),
        s3,
        m.get("s3.access-key"),
        m.get("s3.secret-key"),
        apiKeys,
        longOption(m, "max-body-bytes", d.maxBodyBytes()),
        duration(m, "readiness.timeout", d.readinessTimeout().toString()),
        duration(m, "presign.expiry", d.presignExpiry().toString()),
        storeTimeout,
        anonymous,
        publicEndpoint,
        buckets,
        decodes,
        decodeWait,
        minRate,
        idle,
        threads);
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
    return "QueryServerSettings[httpPort=" + httpPort + ", store=" + store.kind() + ":" + store.collection() + "/"
        + store.dimension() + ", model=" + model + ", s3Endpoint=" + s3Endpoint + ", apiKeys="
        + (apiKeys.isBlank() ? "off (anonymous access)" : "on") + ", maxBodyBytes=" + maxBodyBytes
        + ", readinessTimeout=" + readinessTimeout + ", presignExpiry=" + presignExpiry + ", storeTimeout="
        + storeTimeout + ", s3PublicEndpoint=" + s3PublicEndpoint + ", contentBuckets=" + contentBuckets
        + ", maxConcurrentDecodes=" + maxConcurrentDecodes + ", decodeWait=" + decodeWait + ", minRequestDataRate="
        + minRequestDataRate + ", idleTimeout=" + idleTimeout + ", maxThreads=" + maxThreads + "]";
  }
}
