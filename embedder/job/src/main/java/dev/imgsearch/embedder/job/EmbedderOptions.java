package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.ModelDescriptor;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.store.StoreOptions;
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

/**
 * Every option of the embedding job, declared once ({@link #REGISTRY}): program arguments ({@code
 * --name value}) over {@code IMGSEARCH_EMBEDDER_<NAME>} environment variables. Unknown options stop
 * the start naming the nearest known one; the embedder README's table is generated from here.
 */
public final class EmbedderOptions {
  private EmbedderOptions() {}

  public static final String ENV_PREFIX = "IMGSEARCH_EMBEDDER_";

  static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .required()
          .withDescription("Kafka bootstrap servers");
  static final ConfigOption<String> TOPIC_IMAGE_EVENTS =
      ConfigOptions.key("topic.image-events")
          .stringType()
          .defaultValue(Topics.IMAGE_EVENTS.name())
          .withDescription("image events to embed (ingest-stream's output)");
  static final ConfigOption<String> TOPIC_DEAD_LETTERS =
      ConfigOptions.key("topic.dead-letters")
          .stringType()
          .defaultValue(Topics.DEAD_LETTERS.name())
          .withDescription("rejected records, reason in headers");
  static final ConfigOption<String> TOPIC_EMBEDDINGS =
      ConfigOptions.key("topic.embeddings")
          .stringType()
          .defaultValue(Topics.EMBEDDINGS.name())
          .withDescription("compacted embeddings topic (re-index source); none: off");
  static final ConfigOption<Integer> EMBEDDINGS_PARTITIONS =
      ConfigOptions.key("topic.embeddings.partitions")
          .intType()
          .defaultValue(3)
          .withDescription("partitions of the embeddings topic when the job creates it");
  static final ConfigOption<String> TOPIC_WATCHES =
      ConfigOptions.key("topic.watches")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "compacted topic of standing queries (watches); with topic.alerts; none: off");
  static final ConfigOption<String> TOPIC_ALERTS =
      ConfigOptions.key("topic.alerts")
          .stringType()
          .noDefaultValue()
          .withDescription("topic the watches' alerts go to; with topic.watches; none: off");
  static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("kafka.group-id")
          .stringType()
          .defaultValue("imgsearch-embedder")
          .withDescription("consumer group of the image-events source");
  static final ConfigOption<String> S3_ENDPOINT =
      S3Options.endpoint("object store the images are fetched from").required();
  static final ConfigOption<String> S3_ACCESS_KEY = S3Options.ACCESS_KEY.required();
  static final ConfigOption<String> S3_SECRET_KEY = S3Options.SECRET_KEY.required();
  static final ConfigOption<String> MODEL =
      ConfigOptions.key("model")
          .stringType()
          .defaultValue(ModelDescriptor.DEFAULT_MODEL)
          .withDescription("bundled model name, or a directory holding model.json + .onnx");
  static final ConfigOption<Integer> INTRA_OP_THREADS =
      ConfigOptions.key("onnx.intra-op-threads")
          .intType()
          .defaultValue(0)
          .withDescription("ONNX Runtime threads per inference; 0 = its default");
  static final ConfigOption<Integer> INTER_OP_THREADS =
      ConfigOptions.key("onnx.inter-op-threads")
          .intType()
          .defaultValue(0)
          .withDescription("ONNX Runtime inter-op threads; 0 = its default");
  static final ConfigOption<Boolean> ALLOW_SPINNING =
      ConfigOptions.key("onnx.allow-spinning")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "let ONNX Runtime's threads spin between batches (steals CPU from decoding)");
  static final ConfigOption<Integer> BATCH_SIZE =
      ConfigOptions.key("batch.size")
          .intType()
          .defaultValue(EmbedderSettings.DEFAULT_BATCH_SIZE)
          .withDescription("images per model call (micro-batch)");
  static final ConfigOption<Duration> BATCH_MAX_DELAY =
      ConfigOptions.key("batch.max-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(EmbedderSettings.DEFAULT_BATCH_MAX_DELAY_MILLIS))
          .withDescription("longest wait to fill a micro-batch");
  static final ConfigOption<Integer> DECODE_THREADS =
      ConfigOptions.key("decode.threads")
          .intType()
          .defaultValue(EmbedderSettings.DEFAULT_DECODE_THREADS)
          .withDescription("images fetched and decoded in parallel");
  static final ConfigOption<Long> DECODE_MAX_BYTES =
      ConfigOptions.key("decode.max-bytes")
          .longType()
          .defaultValue(DecodeLimits.DEFAULT.maxBytes())
          .withDescription("larger encoded images → dead letter");
  static final ConfigOption<Long> DECODE_MAX_PIXELS =
      ConfigOptions.key("decode.max-pixels")
          .longType()
          .defaultValue(DecodeLimits.DEFAULT.maxPixels())
          .withDescription("larger canvases → dead letter");
  static final ConfigOption<Long> DECODE_MAX_RASTER_BYTES =
      ConfigOptions.key("decode.max-raster-bytes")
          .longType()
          .defaultValue(DecodeLimits.DEFAULT.maxRasterBytes())
          .withDescription(
              "memory of one decode; larger images are decoded subsampled, or → raster-too-large");
  static final ConfigOption<Integer> DECODE_MAX_ASPECT_RATIO =
      ConfigOptions.key("decode.max-aspect-ratio")
          .intType()
          .defaultValue(DecodeLimits.DEFAULT.maxAspectRatio())
          .withDescription("longer / shorter side above this → aspect-ratio");
  static final ConfigOption<Long> FETCH_MAX_BYTES =
      ConfigOptions.key("fetch.max-bytes")
          .longType()
          .defaultValue(MinioObjectFetcher.DEFAULT_MAX_OBJECT_BYTES)
          .withDescription("larger objects are not read (→ object-too-large)");
  static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription("the sink flushes the vector store on every checkpoint");
  static final ConfigOption<Integer> SINK_BATCH =
      ConfigOptions.key("sink.batch")
          .intType()
          .defaultValue(256)
          .withDescription("buffered index changes before an early flush");
  static final ConfigOption<Boolean> GATE_ENABLED =
      ConfigOptions.key("gate.enabled")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "scene-change gating: a frame showing its source's current scene reuses that scene's vector");
  static final ConfigOption<Integer> GATE_MAX_PHASH =
      ConfigOptions.key("gate.max-phash-distance")
          .intType()
          .defaultValue(SceneGate.Settings.DEFAULT.maxPhashDistance())
          .withDescription("a new scene above this pHash distance");
  static final ConfigOption<Double> GATE_MAX_MEAN_DIFF =
      ConfigOptions.key("gate.max-mean-diff")
          .doubleType()
          .defaultValue(SceneGate.Settings.DEFAULT.maxMeanDiff())
          .withDescription("a new scene above this mean grey-level difference of 32×32 thumbnails");
  static final ConfigOption<Duration> GATE_MAX_AGE =
      ConfigOptions.key("gate.max-scene-age")
          .durationType()
          .defaultValue(SceneGate.Settings.DEFAULT.maxSceneAge())
          .withDescription("a scene is embedded again after this long");
  static final ConfigOption<Integer> GATE_MAX_FRAMES =
      ConfigOptions.key("gate.max-scene-frames")
          .intType()
          .defaultValue(SceneGate.Settings.DEFAULT.maxSceneFrames())
          .withDescription("… or after this many frames");

  static final ConfigOption<String> DETECT =
      ConfigOptions.key("detect")
          .stringType()
          .defaultValue("none")
          .withDescription(
              "inside each frame: none, objects, faces or objects,faces (15–50× the frame's cost, see README)");
  static final ConfigOption<String> DETECT_CLASSES =
      ConfigOptions.key("detect.classes")
          .stringType()
          .defaultValue("")
          .withDescription(
              "COCO labels of the objects kept, comma-separated (person,car); empty: all 80");
  static final ConfigOption<Double> DETECT_MIN_SCORE =
      ConfigOptions.key("detect.min-score")
          .doubleType()
          .defaultValue(Double.valueOf(Float.toString(DetectSettings.NONE.minScore())))
          .withDescription("objects scoring below are dropped");
  static final ConfigOption<Integer> DETECT_MAX_OBJECTS =
      ConfigOptions.key("detect.max-objects")
          .intType()
          .defaultValue(DetectSettings.NONE.maxObjects())
          .withDescription("at most this many objects per frame (1..100)");
  static final ConfigOption<Double> DETECT_FACE_MIN_SCORE =
      ConfigOptions.key("detect.face-min-score")
          .doubleType()
          .defaultValue(Double.valueOf(Float.toString(DetectSettings.NONE.faceMinScore())))
          .withDescription("faces scoring below are dropped");
  static final ConfigOption<Integer> DETECT_MAX_FACES =
      ConfigOptions.key("detect.max-faces")
          .intType()
          .defaultValue(DetectSettings.NONE.maxFaces())
          .withDescription("at most this many faces per frame");

  public static final OptionRegistry REGISTRY =
      OptionRegistry.of("embedder", ENV_PREFIX, declared());

  private static List<ConfigOption<?>> declared() {
    List<ConfigOption<?>> l = new ArrayList<>(List.of(BOOTSTRAP_SERVERS));
    l.addAll(KafkaSecurity.CONFIG_OPTIONS);
    l.addAll(
        List.of(
            TOPIC_IMAGE_EVENTS,
            TOPIC_DEAD_LETTERS,
            TOPIC_EMBEDDINGS,
            EMBEDDINGS_PARTITIONS,
            TOPIC_WATCHES,
            TOPIC_ALERTS,
            GROUP_ID,
            S3_ENDPOINT,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            MODEL,
            INTRA_OP_THREADS,
            INTER_OP_THREADS,
            ALLOW_SPINNING,
            BATCH_SIZE,
            BATCH_MAX_DELAY,
            DECODE_THREADS,
            DECODE_MAX_BYTES,
            DECODE_MAX_PIXELS,
            DECODE_MAX_RASTER_BYTES,
            DECODE_MAX_ASPECT_RATIO,
            FETCH_MAX_BYTES,
            CHECKPOINT_INTERVAL,
            SINK_BATCH));
    l.addAll(StoreOptions.ALL);
    l.addAll(
        List.of(GATE_ENABLED, GATE_MAX_PHASH, GATE_MAX_MEAN_DIFF, GATE_MAX_AGE, GATE_MAX_FRAMES));
    l.addAll(
        List.of(
            DETECT,
            DETECT_CLASSES,
            DETECT_MIN_SCORE,
            DETECT_MAX_OBJECTS,
            DETECT_FACE_MIN_SCORE,
            DETECT_MAX_FACES));
    return l;
  }

  /**
   * The job's settings from checked options; cross-field rules are checked by {@link
   * EmbedderSettings}.
   */
  static EmbedderSettings settings(Configuration c) {
    SceneGate.Settings gate =
        named(
            "gate.*",
            () ->
                new SceneGate.Settings(
                    c.get(GATE_ENABLED),
                    c.get(GATE_MAX_PHASH),
                    c.get(GATE_MAX_MEAN_DIFF),
                    c.get(GATE_MAX_AGE),
                    c.get(GATE_MAX_FRAMES)));
    DecodeLimits limits =
        named(
            "decode.*",
            () ->
                new DecodeLimits(
                    c.get(DECODE_MAX_BYTES),
                    c.get(DECODE_MAX_PIXELS),
                    DecodeLimits.DEFAULT.targetShorterSide(),
                    c.get(DECODE_MAX_RASTER_BYTES),
                    c.get(DECODE_MAX_ASPECT_RATIO)));
    return new EmbedderSettings(
        c.get(BOOTSTRAP_SERVERS),
        c.get(TOPIC_IMAGE_EVENTS),
        c.get(TOPIC_DEAD_LETTERS),
        optionalTopic(c.get(TOPIC_EMBEDDINGS)),
        c.get(EMBEDDINGS_PARTITIONS),
        c.get(GROUP_ID),
        c.get(S3_ENDPOINT),
        c.get(S3_ACCESS_KEY),
        c.get(S3_SECRET_KEY),
        c.get(MODEL),
        new OnnxOptions(c.get(INTRA_OP_THREADS), c.get(INTER_OP_THREADS), c.get(ALLOW_SPINNING)),
        c.get(BATCH_SIZE),
        c.get(BATCH_MAX_DELAY),
        c.get(DECODE_THREADS),
        limits,
        c.get(FETCH_MAX_BYTES),
        c.get(CHECKPOINT_INTERVAL),
        c.get(SINK_BATCH),
        StoreOptions.settings(c),
        KafkaSecurity.fromOptions(c.given()),
        optionalTopic(c.get(TOPIC_WATCHES)),
        optionalTopic(c.get(TOPIC_ALERTS)),
        gate,
        detect(c));
  }

  /** The {@code detect.*} options; a bad value fails naming its option. */
  static DetectSettings detect(Configuration c) {
    String mode =
        dev.imgsearch.embedder.detect.DetectMode.parse(c.get(DETECT)).toString(); // names "detect"
    var classes = named("detect.classes", () -> DetectSettings.classes(c.get(DETECT_CLASSES)));
    return named(
        "detect.*",
        () ->
            new DetectSettings(
                mode,
                classes,
                c.get(DETECT_MIN_SCORE).floatValue(),
                c.get(DETECT_MAX_OBJECTS),
                c.get(DETECT_FACE_MIN_SCORE).floatValue(),
                c.get(DETECT_MAX_FACES)));
  }

  /** A topic option that is off when absent or {@code none}. */
  private static String optionalTopic(String v) {
    return v == null || v.trim().equalsIgnoreCase("none") ? null : v.trim();
  }

  private static <T> T named(String options, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(options + ": " + e.getMessage(), e);
    }
  }
}
