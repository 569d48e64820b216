package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything the embedder job needs, validated at start-up. {@link #fromMap} reads the documented option names
 * (also used as {@code --name value} program arguments in the FlinkDeployment); a bad value fails with the option's
 * name.
 *
 * @param embeddingsTopic compacted topic the embeddings are written to; null: not written
 * @param fetchMaxBytes larger objects are not read ({@code fetch.max-bytes}; dead letter {@code object-too-large})
 * @param watchesTopic compacted topic of the standing queries ({@code topic.watches}); null: no matching
 * @param alertsTopic topic the alerts of the watches go to ({@code topic.alerts}); set exactly when watchesTopic is
 * @param kafkaSecurity how every Kafka client of the job authenticates ({@code kafka.sasl.*},
 *     {@code kafka.security.protocol})
 * @param gate scene-change gating ({@code gate.*})
 */
public record EmbedderSettings(
    String bootstrapServers,
    String imageEventsTopic,
    String deadLetterTopic,
    String embeddingsTopic,
    int embeddingsPartitions,
    String groupId,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String model,
    OnnxOptions onnx,
    int batchSize,
    Duration batchMaxDelay,
    int decodeThreads,
    DecodeLimits limits,
    long fetchMaxBytes,
    Duration checkpointInterval,
    int sinkBatch,
    StoreSettings store,
    KafkaSecurity kafkaSecurity,
    String watchesTopic,
    String alertsTopic,
    SceneGate.Settings gate) {

  /** Defaults chosen by the benchmark in docs/benchmarks.md ("Embedder job"). */
  public static final int DEFAULT_BATCH_SIZE = 16;

  public static final Duration DEFAULT_BATCH_MAX_DELAY = Duration.ofMillis(50);
  public static final int DEFAULT_DECODE_THREADS = 2;

  public EmbedderSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    Objects.requireNonNull(s3Endpoint, "s3.endpoint");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(gate, "gate");
    if (sinkBatch < 1) {
      throw new IllegalArgumentException("sink.batch must be ≥ 1");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch.size must be ≥ 1");
    }
    if (batchMaxDelay.isNegative()) {
      throw new IllegalArgumentException("batch.max-delay must be ≥ 0");
    }
    if (decodeThreads < 1) {
      throw new IllegalArgumentException("decode.threads must be ≥ 1");
    }
    if (fetchMaxBytes < 1 || fetchMaxBytes > MinioObjectFetcher.MAX_OBJECT_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "fetch.max-bytes must be in 1.." + MinioObjectFetcher.MAX_OBJECT_BYTES_LIMIT + ": " + fetchMaxBytes);
    }
    if ((watchesTopic == null) != (alertsTopic == null)) {
      throw new IllegalArgumentException("topic.watches and topic.alerts go together: set both or neither");
    }
    if (embeddingsPartitions < 1) {
      throw new IllegalArgumentException("topic.embeddings.partitions must be ≥ 1");
    }
  }

  /** Every option name {@link #fromMap} reads. */
  public static final java.util.Set<String> OPTIONS =
      java.util.Set.of(
          "kafka.bootstrap-servers", KafkaSecurity.USERNAME, KafkaSecurity.PASSWORD, KafkaSecurity.PROTOCOL,
          KafkaSecurity.MECHANISM, "topic.image-events", "topic.dead-letters", "topic.embeddings",
          "topic.embeddings.partitions", "kafka.group-id", "s3.endpoint", "s3.access-key", "s3.secret-key", "model",
          "onnx.intra-op-threads", "onnx.inter-op-threads", "onnx.allow-spinning", "batch.size", "batch.max-delay", "decode.threads",
          "decode.max-bytes", "decode.max-pixels", "decode.max-raster-bytes", "decode.max-aspect-ratio", "fetch.max-bytes", "checkpoint.interval", "sink.batch", "store.kind",
          "store.collection", "store.dimension", "store.path", "milvus.uri", "milvus.token", "milvus.consistency",
          "topic.watches", "topic.alerts",
          "gate.enabled", "gate.max-phash-distance", "gate.max-mean-diff", "gate.max-scene-age", "gate.max-scene-frames");


  /** The environment variable of an option: {@code IMGSEARCH_EMBEDDER_} + upper case, '.' and '-' as '_'. */
  public static String envName(String option) {
    return "IMGSEARCH_EMBEDDER_" + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Options from the environment ({@link #envName}) overridden by program arguments — secrets (S3 keys, Milvus
   * token, Kafka password) are meant for the environment, so they stay out of the job's arguments.
   */
  public static EmbedderSettings fromEnv(Map<String, String> env, Map<String, String> args) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String option : OPTIONS) {
      String v = env.get(envName(option));
      if (v != null && !v.isBlank()) {
        m.put(option, v);
      }
    }
    m.putAll(args);
    return fromMap(m);
  }

  /** Reads settings; unknown store kinds, malformed numbers and missing required options fail with the option's name. */
  public static EmbedderSettings fromMap(Map<String, String> m) {
    Function<String, String> required =
        k -> {
          String v = m.get(k);
          if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing required option --" + k);
          }
          return v;
        };
    String kind = m.getOrDefault("store.kind", "milvus");
    String collection = m.getOrDefault("store.collection", "images");
    int dimension = integer(m, "store.dimension", 576);
    StoreSettings store =
        switch (kind) {
          case "embedded" -> StoreSettings.embedded(required.apply("store.path"), collection, dimension);
          case "milvus" ->
              StoreSettings.milvus(
                  required.apply("milvus.uri"), m.get("milvus.token"), collection, dimension,
                  m.getOrDefault("milvus.consistency", "BOUNDED"));
          default -> throw new IllegalArgumentException("--store.kind must be embedded or milvus, not " + kind);
        };
    String embeddings = m.getOrDefault("topic.embeddings", Topics.EMBEDDINGS.name());
    if (embeddings.isBlank() || embeddings.equalsIgnoreCase("none")) {
      embeddings = null;
    }
    return new EmbedderSettings(
        required.apply("kafka.bootstrap-servers"),
        m.getOrDefault("topic.image-events", Topics.IMAGE_EVENTS.name()),
        m.getOrDefault("topic.dead-letters", Topics.DEAD_LETTERS.name()),
        embeddings,
        integer(m, "topic.embeddings.partitions", 3),
        m.getOrDefault("kafka.group-id", "imgsearch-embedder"),
        required.apply("s3.endpoint"),
        required.apply("s3.access-key"),
        required.apply("s3.secret-key"),
        m.getOrDefault("model", "nsfwjs-mobilenetv2-b13"),
        new OnnxOptions(
            integer(m, "onnx.intra-op-threads", 0),
            integer(m, "onnx.inter-op-threads", 0),
            // off by default: spinning ORT threads take the cores from the decode threads (docs/benchmarks.md)
            bool(m, "onnx.allow-spinning", false)),
        integer(m, "batch.size", DEFAULT_BATCH_SIZE),
        duration(m, "batch.max-delay", DEFAULT_BATCH_MAX_DELAY),
        integer(m, "decode.threads", DEFAULT_DECODE_THREADS),
        new DecodeLimits(
            longValue(m, "decode.max-bytes", DecodeLimits.DEFAULT.maxBytes()),
            longValue(m, "decode.max-pixels", DecodeLimits.DEFAULT.maxPixels()),
            DecodeLimits.DEFAULT.targetShorterSide(),
            longValue(m, "decode.max-raster-bytes", DecodeLimits.DEFAULT.maxRasterBytes()),
            integer(m, "decode.max-aspect-ratio", DecodeLimits.DEFAULT.maxAspectRatio())),
        longValue(m, "fetch.max-bytes", MinioObjectFetcher.DEFAULT_MAX_OBJECT_BYTES),
        duration(m, "checkpoint.interval", Duration.ofSeconds(5)),
        integer(m, "sink.batch", 256),
        store,
        KafkaSecurity.fromOptions(m),
        optionalTopic(m.get("topic.watches")),
        optionalTopic(m.get("topic.alerts")),
        gate(m));
  }

  /** A topic option that is off when absent, blank or {@code none}. */
  private static String optionalTopic(String v) {
    return v == null || v.isBlank() || v.trim().equalsIgnoreCase("none") ? null : v.trim();
  }

  /** {@code gate.*}: off unless {@code gate.enabled true}; thresholds default to {@link SceneGate.Settings#DEFAULT}. */
  static SceneGate.Settings gate(Map<String, String> m) {
    SceneGate.Settings d = SceneGate.Settings.DEFAULT;
    String meanDiff = m.get("gate.max-mean-diff");
    double maxMeanDiff = d.maxMeanDiff();
    if (meanDiff != null && !meanDiff.isBlank()) {
      try {
        maxMeanDiff = Double.parseDouble(meanDiff.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--gate.max-mean-diff must be a number, not '" + meanDiff + "'");
      }
    }
    return new SceneGate.Settings(
        bool(m, "gate.enabled", false),
        integer(m, "gate.max-phash-distance", d.maxPhashDistance()),
        maxMeanDiff,
        duration(m, "gate.max-scene-age", d.maxSceneAge()),
        integer(m, "gate.max-scene-frames", d.maxSceneFrames()));
  }

  private static boolean bool(Map<String, String> m, String key, boolean fallback) {
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("--" + key + " must be true or false, not '" + v + "'");
    };
  }

  private static int integer(Map<String, String> m, String key, int fallback) {
    return (int) longValue(m, key, fallback);
  }

  private static long longValue(Map<String, String> m, String key, long fallback) {
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, not '" + v + "'");
    }
  }

  /** ISO-8601 ({@code PT0.05S}) or a number with unit {@code ms} / {@code s} ({@code 50ms}, {@code 5s}). */
  static Duration duration(Map<String, String> m, String key, Duration fallback) {
    String v = m.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    String s = v.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s") && !s.startsWith("p")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      return Duration.parse(v.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--" + key + " must be a duration like 50ms, 5s or PT5S, not '" + v + "'");
    }
  }

  /**
   * The security settings every Kafka client of the job is given (source, sinks, the sink's dead-letter producer, the
   * admin client of {@link EmbeddingsTopic}).
   */
  public Map<String, String> kafkaClientProperties() {
    return kafkaSecurity.clientProperties();
  }

  /** The effective configuration, secrets masked, for the start-up log. */
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("kafka.bootstrap-servers", bootstrapServers);
    d.putAll(kafkaSecurity.describe());
    d.put("topic.image-events", imageEventsTopic);
    d.put("topic.dead-letters", deadLetterTopic);
    d.put("topic.embeddings", embeddingsTopic == null ? "none" : embeddingsTopic);
    d.put("topic.watches", watchesTopic == null ? "none" : watchesTopic);
    d.put("topic.alerts", alertsTopic == null ? "none" : alertsTopic);
    d.put("kafka.group-id", groupId);
    d.put("s3.endpoint", s3Endpoint);
    d.put("s3.access-key", s3AccessKey);
    d.put("s3.secret-key", "****");
    d.put("model", model);
    d.put("onnx.intra-op-threads", Integer.toString(onnx.intraOpThreads()));
    d.put("onnx.inter-op-threads", Integer.toString(onnx.interOpThreads()));
    d.put("onnx.allow-spinning", Boolean.toString(onnx.allowSpinning()));
    d.put("batch.size", Integer.toString(batchSize));
    d.put("batch.max-delay", batchMaxDelay.toMillis() + "ms");
    d.put("decode.threads", Integer.toString(decodeThreads));
    d.put("decode.max-bytes", Long.toString(limits.maxBytes()));
    d.put("decode.max-pixels", Long.toString(limits.maxPixels()));
    d.put("decode.max-raster-bytes", Long.toString(limits.maxRasterBytes()));
    d.put("decode.max-aspect-ratio", Integer.toString(limits.maxAspectRatio()));
    d.put("fetch.max-bytes", Long.toString(fetchMaxBytes));
    d.put("checkpoint.interval", checkpointInterval.toString());
    d.put("sink.batch", Integer.toString(sinkBatch));
    d.put("store.kind", store.kind().toString());
    d.put("store.collection", store.collection());
    d.put("gate.enabled", Boolean.toString(gate.enabled()));
    if (gate.enabled()) {
      d.put("gate.max-phash-distance", Integer.toString(gate.maxPhashDistance()));
      d.put("gate.max-mean-diff", Double.toString(gate.maxMeanDiff()));
      d.put("gate.max-scene-age", gate.maxSceneAge().toString());
      d.put("gate.max-scene-frames", Integer.toString(gate.maxSceneFrames()));
    }
    return d;
  }
}
