package dev.imgsearch.ingest;

import dev.imgsearch.schemas.IdleFetch;
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
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the ingest-stream app. Its options are declared once ({@link #REGISTRY}); {@link
 * #fromMap} fails fast on unknown options or bad values naming the option; {@link #fromEnv} reads
 * the same options from {@code IMGSEARCH_INGEST_<NAME>} environment variables (upper case, {@code
 * .} and {@code -} as {@code _}).
 *
 * @param frames the claim-check path; null when no {@code s3.endpoint} is configured (raw-frames
 *     topic not read)
 * @param metricsPort port of the Prometheus endpoint, 0 for a free one, -1 for none
 * @param kafkaSecurity how every Kafka client of the app authenticates ({@code kafka.sasl.*},
 *     {@code kafka.security.protocol})
 */
public record IngestSettings(
    String bootstrapServers,
    String applicationId,
    String notificationsTopic,
    String imageEventsTopic,
    String deadLetterTopic,
    String rawFramesTopic,
    String processingGuarantee,
    String stateDir,
    int streamThreads,
    ImageFilter filter,
    Duration dedupTtl,
    FrameSettings frames,
    int metricsPort,
    KafkaSecurity kafkaSecurity) {

  public static final String ENV_PREFIX = "IMGSEARCH_INGEST_";

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .required()
          .withDescription("Kafka bootstrap servers");
  public static final ConfigOption<String> APPLICATION_ID =
      ConfigOptions.key("application.id")
          .stringType()
          .defaultValue("imgsearch-ingest")
          .withDescription("Kafka Streams application id (consumer group, internal topic prefix)");
  public static final ConfigOption<String> TOPIC_NOTIFICATIONS =
      ConfigOptions.topic("topic.notifications", Topics.NOTIFICATIONS, "MinIO notification topic");
  public static final ConfigOption<String> TOPIC_IMAGE_EVENTS =
      ConfigOptions.topic(
          "topic.image-events", Topics.IMAGE_EVENTS, "typed image events, keyed by image id");
  public static final ConfigOption<String> TOPIC_DEAD_LETTERS =
      ConfigOptions.topic(
          "topic.dead-letters", Topics.DEAD_LETTERS, "rejected records, reason in headers");
  public static final ConfigOption<String> TOPIC_RAW_FRAMES =
      ConfigOptions.topic(
          "topic.raw-frames",
          Topics.RAW_FRAMES,
          "raw frames of the claim-check path (read only with s3.endpoint)");
  public static final ConfigOption<String> PROCESSING_GUARANTEE =
      ConfigOptions.key("processing.guarantee")
          .oneOf(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2)
          .defaultValue(StreamsConfig.AT_LEAST_ONCE)
          .withDescription("Kafka Streams processing guarantee");
  public static final ConfigOption<String> STATE_DIR =
      ConfigOptions.key("state.dir")
          .stringType()
          .defaultValue(System.getProperty("java.io.tmpdir") + "/imgsearch-ingest")
          .withDescription("Kafka Streams state directory (the de-duplication store)")
          .withDefaultText("$TMP/imgsearch-ingest");
  public static final ConfigOption<Integer> STREAM_THREADS =
      ConfigOptions.key("stream.threads")
          .intType()
          .defaultValue(1)
          .withDescription("Kafka Streams threads");
  public static final ConfigOption<String> FILTER_BUCKETS =
      ConfigOptions.key("filter.buckets")
          .stringType()
          .defaultValue("")
          .withDescription("comma-separated buckets to index; empty = all");
  public static final ConfigOption<String> FILTER_PREFIXES =
      ConfigOptions.key("filter.prefixes")
          .stringType()
          .defaultValue("")
          .withDescription("comma-separated key prefixes to index; empty = all");
  public static final ConfigOption<String> FILTER_SUFFIXES =
      ConfigOptions.key("filter.suffixes")
          .stringType()
          .defaultValue("")
          .withDescription("comma-separated key suffixes (case-insensitive); empty = all");
  public static final ConfigOption<String> FILTER_CONTENT_TYPES =
      ConfigOptions.key("filter.content-types")
          .stringType()
          .defaultValue("image/*")
          .withDescription("comma-separated content types (type/subtype or type/*); empty = all");
  public static final ConfigOption<Duration> DEDUP_TTL =
      ConfigOptions.key("dedup.ttl")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription("how long a notified object version is remembered for de-duplication");
  public static final ConfigOption<String> S3_ENDPOINT =
      S3Options.endpoint(
          "object store of the claim-check path; without it raw frames are not read");
  public static final ConfigOption<String> S3_ACCESS_KEY = S3Options.ACCESS_KEY;
  public static final ConfigOption<String> S3_SECRET_KEY = S3Options.SECRET_KEY;
  public static final ConfigOption<String> FRAMES_BUCKET =
      ConfigOptions.key("frames.bucket")
          .stringType()
          .defaultValue("images")
          .withDescription("bucket the claim-check path writes frames to");
  public static final ConfigOption<Long> FRAMES_MAX_BYTES =
      ConfigOptions.key("frames.max-bytes")
          .longType()
          .defaultValue(1_000_000L)
          .withDescription("largest frame accepted; larger ones go to the dead-letter topic");
  public static final ConfigOption<Duration> FRAMES_RETRY_INITIAL =
      ConfigOptions.key("frames.retry.initial")
          .durationType()
          .defaultValue(Duration.ofMillis(100))
          .withDescription("first backoff when the object store fails");
  public static final ConfigOption<Duration> FRAMES_RETRY_MAX =
      ConfigOptions.key("frames.retry.max")
          .durationType()
          .defaultValue(Duration.ofSeconds(2))
          .withDescription("longest backoff");
  public static final ConfigOption<Duration> FRAMES_RETRY_BUDGET =
      ConfigOptions.key("frames.retry.budget")
          .durationType()
          .defaultValue(Duration.ofMinutes(2))
          .withDescription(
              "total retry time per frame before the stream thread restarts from the last commit");
  public static final ConfigOption<Integer> METRICS_PORT =
      ConfigOptions.key("metrics.port")
          .intType()
          .defaultValue(9404)
          .withDescription(
              "Prometheus endpoint port (GET /metrics, /healthz); 0 = any free port, -1 = off");

  /**
   * Every option of the stage, declared once: parsing, env names, help and the README table come
   * from it.
   */
  public static final OptionRegistry REGISTRY =
      OptionRegistry.of("ingest-stream", ENV_PREFIX, options());

  /** The option names. */
  public static final Set<String> OPTIONS = REGISTRY.keys();

  private static List<ConfigOption<?>> options() {
    List<ConfigOption<?>> l = new ArrayList<>();
    l.add(BOOTSTRAP_SERVERS);
    l.addAll(KafkaSecurity.CONFIG_OPTIONS);
    l.addAll(
        List.of(
            APPLICATION_ID,
            TOPIC_NOTIFICATIONS,
            TOPIC_IMAGE_EVENTS,
            TOPIC_DEAD_LETTERS,
            TOPIC_RAW_FRAMES,
            PROCESSING_GUARANTEE,
            STATE_DIR,
            STREAM_THREADS,
            FILTER_BUCKETS,
            FILTER_PREFIXES,
            FILTER_SUFFIXES,
            FILTER_CONTENT_TYPES,
            DEDUP_TTL,
            S3_ENDPOINT,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            FRAMES_BUCKET,
            FRAMES_MAX_BYTES,
            FRAMES_RETRY_INITIAL,
            FRAMES_RETRY_MAX,
            FRAMES_RETRY_BUDGET,
            METRICS_PORT));
    return l;
  }

  public IngestSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
    if (!processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)
        && !processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      throw new IllegalArgumentException(
          "processing.guarantee must be at_least_once or exactly_once_v2, not "
              + processingGuarantee);
    }
    if (dedupTtl.isNegative() || dedupTtl.isZero()) {
      throw new IllegalArgumentException("dedup.ttl must be positive: " + dedupTtl);
    }
    if (streamThreads < 1) {
      throw new IllegalArgumentException("stream.threads must be >= 1: " + streamThreads);
    }
  }

  /**
   * Defaults for embedding the app in another JVM (the local stack): every documented default
   * except that no metrics endpoint is opened ({@code metrics.port=-1}).
   */
  public static IngestSettings defaults(String bootstrapServers, String stateDir) {
    return fromMap(
        Map.of(
            "kafka.bootstrap-servers",
            bootstrapServers,
            "state.dir",
            stateDir,
            "metrics.port",
            "-1"));
  }

  /**
   * Options from the environment ({@code IMGSEARCH_INGEST_KAFKA_BOOTSTRAP_SERVERS}, …), overridden
   * by {@code flags}.
   */
  public static IngestSettings fromEnv(Map<String, String> env, Map<String, String> flags) {
    return of(REGISTRY.fromEnv(env, flags));
  }

  public static String envName(String option) {
    return REGISTRY.envName(option);
  }

  public static IngestSettings fromMap(Map<String, String> given) {
    return of(REGISTRY.parse(given));
  }

  private static IngestSettings of(Configuration c) {
    Backoff backoff =
        new Backoff(
            c.get(FRAMES_RETRY_INITIAL), c.get(FRAMES_RETRY_MAX), c.get(FRAMES_RETRY_BUDGET));
    FrameSettings frames = null;
    if (c.isSet(S3_ENDPOINT)) {
      String needed = "needed with s3.endpoint";
      frames =
          new FrameSettings(
              c.get(S3_ENDPOINT),
              c.require(S3_ACCESS_KEY, needed),
              c.require(S3_SECRET_KEY, needed),
              c.get(FRAMES_BUCKET),
              c.get(FRAMES_MAX_BYTES),
              backoff);
    }
    ImageFilter filter =
        ImageFilter.of(
            c.get(FILTER_BUCKETS),
            c.get(FILTER_PREFIXES),
            c.get(FILTER_SUFFIXES),
            c.get(FILTER_CONTENT_TYPES));
    return new IngestSettings(
        c.get(BOOTSTRAP_SERVERS),
        c.get(APPLICATION_ID),
        c.get(TOPIC_NOTIFICATIONS),
        c.get(TOPIC_IMAGE_EVENTS),
        c.get(TOPIC_DEAD_LETTERS),
        c.get(TOPIC_RAW_FRAMES),
        c.get(PROCESSING_GUARANTEE),
        c.get(STATE_DIR),
        c.get(STREAM_THREADS),
        filter,
        c.get(DEDUP_TTL),
        frames,
        c.get(METRICS_PORT),
        KafkaSecurity.fromOptions(c.given()));
  }

  public IngestSettings withGuarantee(String guarantee) {
    return new IngestSettings(
        bootstrapServers,
        applicationId,
        notificationsTopic,
        imageEventsTopic,
        deadLetterTopic,
        rawFramesTopic,
        guarantee,
        stateDir,
        streamThreads,
        filter,
        dedupTtl,
        frames,
        metricsPort,
        kafkaSecurity);
  }

  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // unprefixed: Kafka Streams gives them to its consumers, producers and admin client alike
    p.putAll(kafkaSecurity.clientProperties());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    // exactly-once: output becomes visible on commit, so commit often; at-least-once: output is
    // visible at once and
    // the commit interval only bounds what is processed again after a crash (the de-duplication
    // store drops most).
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) ? 100 : 1000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // an idle main consumer's fetch waits longer at the broker; new records answer it at once
    p.put(StreamsConfig.mainConsumerPrefix(IdleFetch.CONFIG), IdleFetch.MAX_WAIT_MS);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        IngestExceptionHandler.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        IngestProductionExceptionHandler.class.getName());
    p.put(IngestExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
    if (frames != null) {
      // A frame may wait for the object store for the whole retry budget inside one transaction.
      long txMs = Math.max(60_000, frames.backoff().budget().toMillis() + 30_000);
      p.put(
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          (int) Math.min(txMs, 900_000));
      p.put(
          StreamsConfig.consumerPrefix("max.poll.interval.ms"),
          (int) Math.max(300_000, txMs + 60_000));
    }
    return p;
  }

  /**
   * Properties of a plain Kafka client of the app (the admin client of {@link
   * OutputLimits#detect}): the bootstrap servers and the security settings.
   */
  public Map<String, Object> clientProperties() {
    return kafkaSecurity.with(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** The effective options, secrets masked, one per line. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    shown.put("kafka.bootstrap-servers", bootstrapServers);
    shown.putAll(kafkaSecurity.describe());
    shown.put("application.id", applicationId);
    shown.put("topic.notifications", notificationsTopic);
    shown.put("topic.image-events", imageEventsTopic);
    shown.put("topic.dead-letters", deadLetterTopic);
    shown.put("topic.raw-frames", frames == null ? "(not read: no s3.endpoint)" : rawFramesTopic);
    shown.put("processing.guarantee", processingGuarantee);
    shown.put("state.dir", stateDir);
    shown.put("stream.threads", Integer.toString(streamThreads));
    shown.put("filter", filter.toString());
    shown.put("dedup.ttl", dedupTtl.toString());
    if (frames != null) {
      shown.put("s3.endpoint", frames.endpoint());
      shown.put("s3.access-key", frames.accessKey());
      shown.put("s3.secret-key", "****");
      shown.put("frames.bucket", frames.bucket());
      shown.put("frames.max-bytes", Long.toString(frames.maxBytes()));
      shown.put("frames.retry", frames.backoff().toString());
    }
    shown.put("metrics.port", Integer.toString(metricsPort));
    StringJoiner j = new StringJoiner("\n  ", "\n  ", "");
    shown.forEach((k, v) -> j.add(k + " = " + v));
    return j.toString();
  }
}
