package dev.imgsearch.ingest;

import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the ingest-stream app. {@link #fromMap} reads the documented option names ({@link #OPTIONS}), fails
 * fast on unknown options or bad values naming the option; {@link #fromEnv} reads the same options from
 * {@code IMGSEARCH_INGEST_<NAME>} environment variables (upper case, {@code .} and {@code -} as {@code _}).
 *
 * @param frames the claim-check path; null when no {@code s3.endpoint} is configured (raw-frames topic not read)
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

  /** The claim-check path's object store and limits. */
  public record FrameSettings(
      String endpoint, String accessKey, String secretKey, String bucket, long maxBytes, Backoff backoff) {
    public FrameSettings {
      Objects.requireNonNull(endpoint, "s3.endpoint");
      Objects.requireNonNull(accessKey, "s3.access-key");
      Objects.requireNonNull(secretKey, "s3.secret-key");
      Objects.requireNonNull(bucket, "frames.bucket");
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("frames.max-bytes must be positive: " + maxBytes);
      }
    }
  }

  public static final String ENV_PREFIX = "IMGSEARCH_INGEST_";

  /** Option name → [default (null = none), description]. */
  public static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

  static {
    o("kafka.bootstrap-servers", null, "Kafka bootstrap servers (required)");
    o(KafkaSecurity.USERNAME, null, "SASL user of every Kafka client; needs kafka.sasl.password (none: no authentication)");
    o(KafkaSecurity.PASSWORD, null, "SASL password (secret: never logged); needs kafka.sasl.username");
    o(KafkaSecurity.PROTOCOL, null, "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; default SASL_PLAINTEXT with a username, else PLAINTEXT");
    o(KafkaSecurity.MECHANISM, null, "SASL mechanism: SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN");
    o("application.id", "imgsearch-ingest", "Kafka Streams application id (consumer group, internal topic prefix)");
    o("topic.notifications", Topics.NOTIFICATIONS.name(), "MinIO notification topic");
    o("topic.image-events", Topics.IMAGE_EVENTS.name(), "typed image events, keyed by image id");
    o("topic.dead-letters", Topics.DEAD_LETTERS.name(), "rejected records, reason in headers");
    o("topic.raw-frames", Topics.RAW_FRAMES.name(), "raw frames of the claim-check path (read only with s3.endpoint)");
    o("processing.guarantee", StreamsConfig.AT_LEAST_ONCE, "at_least_once or exactly_once_v2");
    o("state.dir", System.getProperty("java.io.tmpdir") + "/imgsearch-ingest", "Kafka Streams state directory");
    o("stream.threads", "1", "Kafka Streams threads");
    o("filter.buckets", "", "comma-separated buckets to index; empty = all");
    o("filter.prefixes", "", "comma-separated key prefixes to index; empty = all");
    o("filter.suffixes", "", "comma-separated key suffixes (case-insensitive); empty = all");
    o("filter.content-types", "image/*", "comma-separated content types (type/subtype or type/*); empty = all");
    o("dedup.ttl", "PT1H", "how long a notified object version is remembered for de-duplication (ISO-8601)");
    o("s3.endpoint", null, "object store for the claim-check path; without it raw frames are not read");
    o("s3.access-key", null, "object store access key");
    o("s3.secret-key", null, "object store secret key");
    o("frames.bucket", "images", "bucket the claim-check path writes frames to");
    o("frames.max-bytes", "1000000", "largest frame accepted; larger ones go to the dead-letter topic");
    o("frames.retry.initial", "PT0.1S", "first backoff when the object store fails");
    o("frames.retry.max", "PT2S", "longest backoff");
    o("frames.retry.budget", "PT2M", "total retry time per frame before the stream thread restarts from the last commit");
    o("metrics.port", "9404", "Prometheus endpoint port (GET /metrics); 0 = any free port, -1 = off");
  }

  private static void o(String name, String def, String description) {
    OPTIONS.put(name, new String[] {def, description});
  }

  public IngestSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
    if (!processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      throw new IllegalArgumentException("processing.guarantee must be at_least_once or exactly_once_v2, not " + processingGuarantee);
    }
    if (dedupTtl.isNegative() || dedupTtl.isZero()) {
      throw new IllegalArgumentException("dedup.ttl must be positive: " + dedupTtl);
    }
    if (streamThreads < 1) {
      throw new IllegalArgumentException("stream.threads must be >= 1: " + streamThreads);
    }
  }

  /**
   * Defaults for embedding the app in another JVM (the local stack): every documented default except that no
   * metrics endpoint is opened ({@code metrics.port=-1}).
   */
  public static IngestSettings defaults(String bootstrapServers, String stateDir) {
    return fromMap(Map.of("kafka.bootstrap-servers", bootstrapServers, "state.dir", stateDir, "metrics.port", "-1"));
  }

  /** Options from the environment ({@code IMGSEARCH_INGEST_KAFKA_BOOTSTRAP_SERVERS}, …), overridden by {@code flags}. */
  public static IngestSettings fromEnv(Map<String, String> env, Map<String, String> flags) {
    Map<String, String> m = new HashMap<>();
    for (String name : OPTIONS.keySet()) {
      String v = env.get(envName(name));
      if (v != null) {
        m.put(name, v);
      }
    }
    m.putAll(flags);
    return fromMap(m);
  }

  public static String envName(String option) {
    return ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public static IngestSettings fromMap(Map<String, String> given) {
    for (String name : given.keySet()) {
      if (!OPTIONS.containsKey(name)) {
        throw new IllegalArgumentException("unknown option " + name + "; known: " + String.join(", ", OPTIONS.keySet()));
      }
    }
    Map<String, String> m = new HashMap<>();
    OPTIONS.forEach((k, v) -> {
      if (v[0] != null) {
        m.put(k, v[0]);
      }
    });
    m.putAll(given);
    String bootstrap = m.get("kafka.bootstrap-servers");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("missing required option kafka.bootstrap-servers");
    }
    long maxBytes = longOption(m, "frames.max-bytes");
    Backoff backoff =
        new Backoff(duration(m, "frames.retry.initial"), duration(m, "frames.retry.max"), duration(m, "frames.retry.budget"));
    FrameSettings frames = null;
    if (m.get("s3.endpoint") != null && !m.get("s3.endpoint").isBlank()) {
      frames =
          new FrameSettings(
              m.get("s3.endpoint"), required(m, "s3.access-key"), required(m, "s3.secret-key"), m.get("frames.bucket"),
              maxBytes, backoff);
    }
    KafkaSecurity security = KafkaSecurity.fromOptions(m);
    ImageFilter filter;
    try {
      filter = ImageFilter.of(m.get("filter.buckets"), m.get("filter.prefixes"), m.get("filter.suffixes"), m.get("filter.content-types"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new IngestSettings(
        bootstrap,
        m.get("application.id"),
        m.get("topic.notifications"),
        m.get("topic.image-events"),
        m.get("topic.dead-letters"),
        m.get("topic.raw-frames"),
        m.get("processing.guarantee"),
        m.get("state.dir"),
        (int) longOption(m, "stream.threads"),
        filter,
        duration(m, "dedup.ttl"),
        frames,
        (int) longOption(m, "metrics.port"),
        security);
  }

  public IngestSettings withGuarantee(String guarantee) {
    return new IngestSettings(bootstrapServers, applicationId, notificationsTopic, imageEventsTopic, deadLetterTopic,
        rawFramesTopic, guarantee, stateDir, streamThreads, filter, dedupTtl, frames, metricsPort, kafkaSecurity);
  }

  private static String required(Map<String, String> m, String name) {
    String v = m.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing required option " + name + " (needed with s3.endpoint)");
    }
    return v;
  }

  private static long longOption(Map<String, String> m, String name) {
    try {
      return Long.parseLong(m.get(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + name + " is not an integer: " + m.get(name), e);
    }
  }

  private static Duration duration(Map<String, String> m, String name) {
    try {
      return Duration.parse(m.get(name).trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("option " + name + " is not an ISO-8601 duration (e.g. PT1H): " + m.get(name), e);
    }
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
    // exactly-once: output becomes visible on commit, so commit often; at-least-once: output is visible at once and
    // the commit interval only bounds what is processed again after a crash (the de-duplication store drops most).
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) ? 100 : 1000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, IngestExceptionHandler.class.getName());
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, IngestProductionExceptionHandler.class.getName());
    p.put(IngestExceptionHandler.DEAD_LETTER_TOPIC_CONFIG, deadLetterTopic);
    if (frames != null) {
      // A frame may wait for the object store for the whole retry budget inside one transaction.
      long txMs = Math.max(60_000, frames.backoff().budget().toMillis() + 30_000);
      p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) Math.min(txMs, 900_000));
      p.put(StreamsConfig.consumerPrefix("max.poll.interval.ms"), (int) Math.max(300_000, txMs + 60_000));
    }
    return p;
  }

  /**
   * Properties of a plain Kafka client of the app (the admin client of {@link OutputLimits#detect}): the bootstrap
   * servers and the security settings.
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
