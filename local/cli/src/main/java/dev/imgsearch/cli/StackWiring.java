package dev.imgsearch.cli;

import dev.imgsearch.embedder.job.EmbedderJob;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.server.QueryServerSettings;
import dev.imgsearch.query.server.WatchSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What both local stacks — every stage in one JVM ({@link LocalStack}) and every stage its own
 * process ({@link ClusterStack}) — configure their stages with, from the typed {@link
 * LocalStackSettings} and the endpoints of the servers started so far. Pure: no I/O.
 */
final class StackWiring {
  private StackWiring() {}

  /** Creates topics on a Kafka node or cluster: {@code KafkaBroker::createTopics}, … */
  @FunctionalInterface
  interface TopicCreator {
    void create(int partitions, Map<String, String> config, String... names);
  }

  /**
   * The stack's topics: the pipeline's with {@code partitions} each, the alerts topic whose
   * retention is how far back the alert history reaches, and the compacted watches topic (the
   * standing queries' store, one partition).
   */
  static void createTopics(TopicCreator kafka, int partitions) {
    kafka.create(
        partitions,
        Map.of(),
        Topics.NOTIFICATIONS.name(),
        Topics.IMAGE_EVENTS.name(),
        Topics.DEAD_LETTERS.name(),
        Topics.RAW_FRAMES.name());
    kafka.create(
        partitions,
        Map.of("retention.ms", Long.toString(Topics.ALERTS_RETENTION.toMillis())),
        Topics.ALERTS.name());
    kafka.create(1, Map.of("cleanup.policy", "compact"), Topics.WATCHES.name());
  }

  /**
   * The vector store: the embedded store under {@code <data>/vectors}, or Milvus at the settings'
   * URI with the {@code milvus.consistency} override (default {@link
   * LocalStack#DEFAULT_MILVUS_CONSISTENCY}); the collection is {@link LocalStack#COLLECTION}, the
   * dimension the default model's (which the query API loads).
   */
  static StoreSettings store(
      Path data, LocalStackSettings settings, Map<String, String> embedderOverrides) {
    int dimension = QueryServerSettings.DEFAULT_DIMENSION;
    return settings.vectorStore().equals("embedded")
        ? StoreSettings.embedded(
            data.resolve("vectors").toString(), LocalStack.COLLECTION, dimension)
        : StoreSettings.milvus(
            settings.milvusUri(),
            null,
            LocalStack.COLLECTION,
            dimension,
            embedderOverrides.getOrDefault(
                "milvus.consistency", LocalStack.DEFAULT_MILVUS_CONSISTENCY));
  }

  /**
   * The query server's own settings at their defaults but for the port, the S3 server, the one
   * bucket served, the watches on Kafka, and no API keys: the local stacks are the one place that
   * opts out of them, and say so.
   */
  static QueryServerSettings queryServer(
      LocalStackSettings settings, StoreSettings store, String s3Endpoint, String bootstrap) {
    return QueryServerSettings.defaults(store)
        .withHttpPort(settings.httpPort())
        .withObjectStore(s3Endpoint, settings.accessKey(), settings.secretKey())
        .withContentBuckets(AllowedBuckets.of(List.of(settings.bucket())))
        .withWatches(
            new WatchSettings(
                bootstrap, Topics.WATCHES.name(), Topics.ALERTS.name(), KafkaSecurity.NONE))
        .withAnonymousAccess();
  }

  /**
   * ingest-stream's options, with the claim-check path on: raw frames published to Kafka are stored
   * in the bucket first.
   */
  static Map<String, String> ingestOptions(
      LocalStackSettings settings,
      Path data,
      String bootstrap,
      String s3Endpoint,
      int metricsPort) {
    return Map.of(
        "kafka.bootstrap-servers", bootstrap,
        "state.dir", data.resolve("ingest-state").toString(),
        "metrics.port", Integer.toString(metricsPort),
        "s3.endpoint", s3Endpoint,
        "s3.access-key", settings.accessKey(),
        "s3.secret-key", settings.secretKey(),
        "frames.bucket", settings.bucket());
  }

  /**
   * The embedder job's options ({@code EmbedderSettings} names): Kafka, the S3 server, the local
   * checkpoint interval, the watch and alert topics and the store, then {@code overrides} (e.g.
   * {@code checkpoint.interval}, {@code detect}) over them.
   */
  static Map<String, String> embedderOptions(
      LocalStackSettings settings,
      StoreSettings store,
      String bootstrap,
      String s3Endpoint,
      Map<String, String> overrides) {
    Map<String, String> options = new HashMap<>();
    options.put("kafka.bootstrap-servers", bootstrap);
    options.put("s3.endpoint", s3Endpoint);
    options.put("s3.access-key", settings.accessKey());
    options.put("s3.secret-key", settings.secretKey());
    options.put("checkpoint.interval", EmbedderJob.LOCAL_CHECKPOINT_INTERVAL.toString());
    options.put("topic.watches", Topics.WATCHES.name());
    options.put("topic.alerts", Topics.ALERTS.name());
    options.put("store.kind", store.kind() == StoreSettings.Kind.EMBEDDED ? "embedded" : "milvus");
    options.put("store.collection", store.collection());
    options.put("store.dimension", Integer.toString(store.dimension()));
    if (store.path() != null) {
      options.put("store.path", store.path());
    }
    if (store.milvusUri() != null) {
      options.put("milvus.uri", store.milvusUri());
      options.put("milvus.consistency", store.consistency());
    }
    options.putAll(overrides);
    return options;
  }
}
