package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the embedder job needs, validated at start-up. {@link #fromMap} reads the documented
 * option names (also used as {@code --name value} program arguments in the FlinkDeployment); a bad
 * value fails with the option's name.
 *
 * @param embeddingsTopic compacted topic the embeddings are written to; null: not written
 * @param fetchMaxBytes larger objects are not read ({@code fetch.max-bytes}; dead letter {@code
 *     object-too-large})
 * @param watchesTopic compacted topic of the standing queries ({@code topic.watches}); null: no
 *     matching
 * @param alertsTopic topic the alerts of the watches go to ({@code topic.alerts}); set exactly when
 *     watchesTopic is
 * @param kafkaSecurity how every Kafka client of the job authenticates ({@code kafka.sasl.*},
 *     {@code kafka.security.protocol})
 * @param gate scene-change gating ({@code gate.*})
 * @param detect objects and faces inside each frame ({@code detect.*})
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
    SceneGate.Settings gate,
    DetectSettings detect) {

  /** Defaults chosen by the benchmark in docs/benchmarks.md ("Embedder job"). */
  public static final int DEFAULT_BATCH_SIZE = 16;

  /**
   * A constant, so that {@link EmbedderOptions} reads it without initialising this class (whose
   * OPTIONS read it).
   */
  static final long DEFAULT_BATCH_MAX_DELAY_MILLIS = 50;

  public static final Duration DEFAULT_BATCH_MAX_DELAY =
      Duration.ofMillis(DEFAULT_BATCH_MAX_DELAY_MILLIS);
  public static final int DEFAULT_DECODE_THREADS = 2;

  public EmbedderSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    Objects.requireNonNull(s3Endpoint, "s3.endpoint");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(detect, "detect");
    if (sinkBatch < 1) {
      throw new IllegalArgumentException("sink.batch must be ≥ 1");
    }
    EmbedOperator.Config.checkBatching(batchSize, batchMaxDelay, decodeThreads);
    if (fetchMaxBytes < 1 || fetchMaxBytes > MinioObjectFetcher.MAX_OBJECT_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "fetch.max-bytes must be in 1.."
              + MinioObjectFetcher.MAX_OBJECT_BYTES_LIMIT
              + ": "
              + fetchMaxBytes);
    }
    if ((watchesTopic == null) != (alertsTopic == null)) {
      throw new IllegalArgumentException(
          "topic.watches and topic.alerts go together: set both or neither");
    }
    if (embeddingsPartitions < 1) {
      throw new IllegalArgumentException("topic.embeddings.partitions must be ≥ 1");
    }
  }

  /** Every option name the job reads ({@link EmbedderOptions#REGISTRY}). */
  public static final java.util.Set<String> OPTIONS = EmbedderOptions.REGISTRY.keys();

  /**
   * The environment variable of an option: {@code IMGSEARCH_EMBEDDER_} + upper case, '.' and '-' as
   * '_'.
   */
  public static String envName(String option) {
    return EmbedderOptions.REGISTRY.envName(option);
  }

  /**
   * Options from the environment ({@link #envName}) overridden by program arguments — secrets (S3
   * keys, Milvus token, Kafka password) are meant for the environment, so they stay out of the
   * job's arguments.
   */
  public static EmbedderSettings fromEnv(Map<String, String> env, Map<String, String> args) {
    return EmbedderOptions.settings(EmbedderOptions.REGISTRY.fromEnv(env, args));
  }

  /**
   * Reads settings; unknown options, malformed values and missing required options fail with the
   * option's name.
   */
  public static EmbedderSettings fromMap(Map<String, String> m) {
    return EmbedderOptions.settings(EmbedderOptions.REGISTRY.parse(m));
  }

  /**
   * The security settings every Kafka client of the job is given (source, sinks, the sink's
   * dead-letter producer, the admin client of {@link EmbeddingsTopic}).
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
    d.put("detect", detect.detect());
    if (detect.mode().any()) {
      d.put("detect.classes", detect.classes().toString());
      d.put("detect.min-score", Float.toString(detect.minScore()));
      d.put("detect.max-objects", Integer.toString(detect.maxObjects()));
      d.put("detect.face-min-score", Float.toString(detect.faceMinScore()));
      d.put("detect.max-faces", Integer.toString(detect.maxFaces()));
    }
    return d;
  }
}
