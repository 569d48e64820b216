package dev.imgsearch.embedder.job;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything the embedder job needs, validated at start-up. {@link #fromMap} reads the documented option names
 * (also used as {@code --name value} program arguments in the FlinkDeployment).
 */
public record EmbedderSettings(
    String bootstrapServers,
    String imageEventsTopic,
    String deadLetterTopic,
    String groupId,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String model,
    int intraOpThreads,
    Duration checkpointInterval,
    int sinkBatch,
    StoreSettings store) {

  public EmbedderSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    Objects.requireNonNull(s3Endpoint, "s3.endpoint");
    Objects.requireNonNull(store, "store");
    if (sinkBatch < 1) {
      throw new IllegalArgumentException("sink.batch must be ≥ 1");
    }
  }

  /** Reads settings; unknown store kinds and missing required options fail with the option's name. */
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
    int dimension = Integer.parseInt(m.getOrDefault("store.dimension", "576"));
    StoreSettings store =
        switch (kind) {
          case "embedded" -> StoreSettings.embedded(required.apply("store.path"), collection, dimension);
          case "milvus" ->
              StoreSettings.milvus(
                  required.apply("milvus.uri"), m.get("milvus.token"), collection, dimension,
                  m.getOrDefault("milvus.consistency", "BOUNDED"));
          default -> throw new IllegalArgumentException("--store.kind must be embedded or milvus, not " + kind);
        };
    return new EmbedderSettings(
        required.apply("kafka.bootstrap-servers"),
        m.getOrDefault("topic.image-events", Topics.IMAGE_EVENTS.name()),
        m.getOrDefault("topic.dead-letters", Topics.DEAD_LETTERS.name()),
        m.getOrDefault("kafka.group-id", "imgsearch-embedder"),
        required.apply("s3.endpoint"),
        required.apply("s3.access-key"),
        required.apply("s3.secret-key"),
        m.getOrDefault("model", "nsfwjs-mobilenetv2-b13"),
        Integer.parseInt(m.getOrDefault("onnx.intra-op-threads", "0")),
        Duration.parse(m.getOrDefault("checkpoint.interval", "PT5S")),
        Integer.parseInt(m.getOrDefault("sink.batch", "256")),
        store);
  }
}
