package dev.imgsearch.query.server;

import dev.imgsearch.indexer.store.StoreOptions;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.config.ConfigOption;
import dev.imgsearch.schemas.config.ConfigOptions;
import dev.imgsearch.schemas.config.Configuration;
import dev.imgsearch.schemas.config.OptionRegistry;
import dev.imgsearch.schemas.config.S3Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The options of the standalone query API, read into {@link QueryServerSettings}. */
public final class QueryServerOptions {
  private QueryServerOptions() {}

  public static final String ENV_PREFIX = "IMGSEARCH_QUERY_";

  public static final ConfigOption<Integer> HTTP_PORT =
      ConfigOptions.key("http.port")
          .intType()
          .defaultValue(QueryServerSettings.DEFAULT_HTTP_PORT)
          .withDescription("HTTP port");
  public static final ConfigOption<Boolean> STORE_READ_ONLY =
      ConfigOptions.key("store.read-only")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "open the embedded store without its write lock, reloading the writer's last commit every 100 ms:"
                  + " for a query API in its own process beside the job's sink (Milvus ignores it)");
  public static final ConfigOption<String> MODEL =
      ConfigOptions.key("model")
          .stringType()
          .defaultValue(QueryServerSettings.DEFAULT_MODEL)
          .withDescription(
              "bundled model name, or a directory holding model.json + .onnx; must be the embedder's");
  public static final ConfigOption<Integer> INTRA_OP_THREADS =
      ConfigOptions.key("onnx.intra-op-threads")
          .intType()
          .defaultValue(0)
          .withDescription("ONNX Runtime threads per inference; 0 = its default");
  public static final ConfigOption<String> S3_ENDPOINT =
      S3Options.endpoint(
          "object store for image content and presigned URLs; none: no content links");
  public static final ConfigOption<String> S3_ACCESS_KEY = S3Options.ACCESS_KEY;
  public static final ConfigOption<String> S3_SECRET_KEY = S3Options.SECRET_KEY;
  public static final ConfigOption<String> S3_PUBLIC_ENDPOINT =
      ConfigOptions.key("s3.public-endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "object-store URL browsers reach; presigned URLs are signed for this host")
          .withDefaultText("s3.endpoint");
  public static final ConfigOption<String> CONTENT_BUCKETS =
      ConfigOptions.key("content.buckets")
          .stringType()
          .defaultValue(AllowedBuckets.DEFAULT_BUCKET)
          .withDescription(
              "comma-separated buckets whose objects are served and signed; others → 403 content-forbidden");
  public static final ConfigOption<String> API_KEYS =
      ConfigOptions.key("api-keys")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "comma-separated keys for the X-API-Key header; without keys (or allow-anonymous) no start")
          .withDefaultText("(required)")
          .secret();
  public static final ConfigOption<Boolean> ALLOW_ANONYMOUS =
      ConfigOptions.key("allow-anonymous")
          .booleanType()
          .defaultValue(false)
          .withDescription("serve without API keys (local mode only; logged as a warning)");
  public static final ConfigOption<Long> MAX_BODY_BYTES =
      ConfigOptions.key("max-body-bytes")
          .longType()
          .defaultValue(QueryApiOptions.DEFAULT_MAX_BODY_BYTES)
          .withDescription("largest upload accepted (larger → 413)");
  public static final ConfigOption<Duration> READINESS_TIMEOUT =
      ConfigOptions.key("readiness.timeout")
          .durationType()
          .defaultValue(QueryApiOptions.DEFAULT_READINESS_TIMEOUT)
          .withDescription("bound on the /readyz store check");
  public static final ConfigOption<Duration> PRESIGN_EXPIRY =
      ConfigOptions.key("presign.expiry")
          .durationType()
          .defaultValue(QueryApiOptions.DEFAULT_PRESIGN_EXPIRY)
          .withDescription("lifetime of presigned image URLs");
  public static final ConfigOption<Duration> STORE_TIMEOUT =
      ConfigOptions.key("store.timeout")
          .durationType()
          .defaultValue(QueryService.DEFAULT_STORE_TIMEOUT)
          .withDescription("bound on each store call (past it: 504)");
  public static final ConfigOption<Integer> MAX_CONCURRENT_DECODES =
      ConfigOptions.key("max-concurrent-decodes")
          .intType()
          .defaultValue(Runtime.getRuntime().availableProcessors())
          .withDescription("uploaded images decoded / embedded at once")
          .withDefaultText("cores");
  public static final ConfigOption<Duration> DECODE_WAIT =
      ConfigOptions.key("decode.wait")
          .durationType()
          .defaultValue(QueryApiOptions.DEFAULT_DECODE_WAIT)
          .withDescription(
              "how long a request waits for a decode slot, then 503 server-busy with Retry-After");
  public static final ConfigOption<Long> MIN_REQUEST_DATA_RATE =
      ConfigOptions.key("http.min-request-data-rate")
          .longType()
          .defaultValue(QueryApiOptions.DEFAULT_MIN_REQUEST_DATA_RATE)
          .withDescription("bytes/s; a slower body is cut off with 408 (0: off)");
  public static final ConfigOption<Duration> IDLE_TIMEOUT =
      ConfigOptions.key("http.idle-timeout")
          .durationType()
          .defaultValue(QueryApiOptions.DEFAULT_IDLE_TIMEOUT)
          .withDescription("a connection silent this long is closed");
  public static final ConfigOption<Integer> MAX_THREADS =
      ConfigOptions.key("http.max-threads")
          .intType()
          .defaultValue(QueryApiOptions.DEFAULT_MAX_THREADS)
          .withDescription("request threads");

  public static final ConfigOption<String> KAFKA_BOOTSTRAP =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka of the watches and alerts topics; none: the watch endpoints answer 503");
  public static final ConfigOption<String> TOPIC_WATCHES =
      ConfigOptions.key("topic.watches")
          .stringType()
          .defaultValue(Topics.WATCHES.name())
          .withDescription("compacted topic of the watches (the job's topic.watches)");
  public static final ConfigOption<String> TOPIC_ALERTS =
      ConfigOptions.key("topic.alerts")
          .stringType()
          .defaultValue(Topics.ALERTS.name())
          .withDescription("topic the job writes alerts to (the job's topic.alerts)");
  public static final ConfigOption<Integer> ALERTS_HISTORY_PER_WATCH =
      ConfigOptions.key("alerts.history-per-watch")
          .intType()
          .defaultValue(AlertFeed.DEFAULT_PER_WATCH)
          .withDescription(
              "newest alerts of each watch held in memory for GET /v1/watches/{id}/alerts,"
                  + " rebuilt from the alerts topic at start");

  /**
   * Every option of the query API, declared once: parsing, env names, help and the README table
   * come from it.
   */
  public static final OptionRegistry REGISTRY =
      OptionRegistry.of("query-api", ENV_PREFIX, options());

  private static List<ConfigOption<?>> options() {
    List<ConfigOption<?>> l = new ArrayList<>(List.of(HTTP_PORT));
    l.addAll(StoreOptions.ALL);
    l.add(STORE_READ_ONLY);
    l.addAll(
        List.of(
            MODEL,
            INTRA_OP_THREADS,
            S3_ENDPOINT,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            S3_PUBLIC_ENDPOINT,
            CONTENT_BUCKETS,
            API_KEYS,
            ALLOW_ANONYMOUS,
            MAX_BODY_BYTES,
            READINESS_TIMEOUT,
            PRESIGN_EXPIRY,
            STORE_TIMEOUT,
            MAX_CONCURRENT_DECODES,
            DECODE_WAIT,
            MIN_REQUEST_DATA_RATE,
            IDLE_TIMEOUT,
            MAX_THREADS,
            KAFKA_BOOTSTRAP,
            TOPIC_WATCHES,
            TOPIC_ALERTS,
            ALERTS_HISTORY_PER_WATCH));
    l.addAll(WebhookOptions.ALL);
    l.addAll(KafkaSecurity.CONFIG_OPTIONS);
    return l;
  }

  /** The watch settings, or null without {@code kafka.bootstrap-servers}. */
  static WatchSettings watchSettings(Configuration c) {
    KafkaSecurity security = KafkaSecurity.fromOptions(c.given());
    WebhookSettings webhooks = WebhookOptions.settings(c);
    String bootstrap = c.get(KAFKA_BOOTSTRAP);
    if (bootstrap == null) {
      if (security.authenticated()) {
        throw new IllegalArgumentException(
            "--" + KafkaSecurity.USERNAME + " needs --kafka.bootstrap-servers");
      }
      if (webhooks.enabled()) {
        throw new IllegalArgumentException(
            "--" + WebhookSettings.ALLOWED_HOSTS_OPTION + " needs --kafka.bootstrap-servers");
      }
      return null;
    }
    String watches = c.get(TOPIC_WATCHES);
    String alerts = c.get(TOPIC_ALERTS);
    if (watches.isBlank() || alerts.isBlank() || watches.equals(alerts)) {
      throw new IllegalArgumentException(
          "--topic.watches and --topic.alerts must be two different topics");
    }
    return new WatchSettings(
        bootstrap, watches, alerts, security, webhooks, c.get(ALERTS_HISTORY_PER_WATCH));
  }
}
