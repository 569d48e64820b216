package dev.imgsearch.embedder.job;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.KafkaSinkDeadLetters;
import dev.imgsearch.indexer.sink.SinkOptions;
import dev.imgsearch.indexer.sink.VectorStoreSink;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.IdleFetch;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding job: image events from Kafka → fetch + decode + micro-batched ONNX inference →
 * vector store and compacted embeddings topic; rejected records → dead-letter topic. {@link
 * #build(StreamExecutionEnvironment, Source, EmbedOperator.Config, Sink, Sink, Sink, Watching)}
 * wires any source and sinks (tests pass bounded ones); {@link #build(StreamExecutionEnvironment,
 * EmbedderSettings)} wires the real ones.
 */
public final class EmbedderJob {
  private static final Logger LOG = LoggerFactory.getLogger(EmbedderJob.class);

  /**
   * Default checkpoint interval for the local stack: short, since the sink flushes on checkpoints.
   */
  public static final Duration LOCAL_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  private EmbedderJob() {}

  /**
   * Adds the pipeline to {@code env}.
   *
   * @param embeddings sink of the embeddings topic, or null for none
   * @param watching standing queries matched right after embedding, or null for none
   */
  public static void build(
      StreamExecutionEnvironment env,
      Source<KafkaRecord, ?, ?> source,
      EmbedOperator.Config embed,
      Sink<IndexAction> index,
      Sink<DeadLetter> deadLetters,
      Sink<EmbeddingChange> embeddings,
      Watching watching) {
    DataStream<KafkaRecord> events =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "image-events")
            .uid("image-events-source");
    boolean gated = embed.gate().enabled();
    SingleOutputStreamOperator<EmbeddingChange> embedded =
        (gated ? bySource(events) : events)
            .transform(
                "fetch-decode-embed",
                TypeInformation.of(EmbeddingChange.class),
                new EmbedOperator(embed))
            .uid("embed");
    DataStream<DeadLetter> rejected = embedded.getSideOutput(EmbedOperator.DEAD_LETTERS);
    DataStream<EmbeddingChange> changes = gated ? newestPerImage(embedded) : embedded;
    if (watching != null) {
      rejected = rejected.union(watching.attach(changes));
    }
    rejected.sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters");
    // keyed by image id so that all changes of one image reach the same sink writer in order
    DataStreamSink<IndexAction> stored =
        changes
            .map(Records::toIndexAction)
            .uid("to-index-action")
            .name("to-index-action")
            .returns(TypeInformation.of(IndexAction.class))
            .keyBy(IndexAction::id)
            .sinkTo(index)
            .uid("vector-store-sink")
            .name("vector-store");
    // an embedded (Lucene) store is one directory with one writer process: one sink subtask,
    // wherever it runs
    if (index instanceof VectorStoreSink store && store.singleWriter()) {
      stored.setParallelism(1);
    }
    if (embeddings != null) {
      changes.sinkTo(embeddings).uid("embeddings-sink").name("embeddings");
    }
  }

  /** Scene-change gating keeps a scene per source: all frames of a source go to one instance. */
  static DataStream<KafkaRecord> bySource(DataStream<KafkaRecord> events) {
    return events.keyBy(new SceneKey());
  }

  /**
   * Keyed by source, a creation and a deletion of one image may run on different instances: keep
   * the newest.
   */
  static DataStream<EmbeddingChange> newestPerImage(DataStream<EmbeddingChange> changes) {
    return changes
        .keyBy(c -> c.imageId, TypeInformation.of(String.class))
        .process(new LatestChangeOnly())
        .uid("latest-change-only")
        .name("latest-change-only");
  }

  /**
   * Adds the pipeline with the real Kafka source, vector store sink and Kafka dead-letter and
   * embeddings sinks.
   */
  public static void build(StreamExecutionEnvironment env, EmbedderSettings s) {
    LOG.info("embedder settings: {}", s.describe());
    env.enableCheckpointing(s.checkpointInterval().toMillis());
    KafkaSource<KafkaRecord> source = source(s);
    KafkaSink<DeadLetter> deadLetters = deadLetterSink(s);
    KafkaSink<EmbeddingChange> embeddings = null;
    if (s.embeddingsTopic() != null) {
      EmbeddingsTopic.ensureCompacted(
          s.bootstrapServers(),
          s.kafkaClientProperties(),
          s.embeddingsTopic(),
          s.embeddingsPartitions());
      embeddings = embeddingsSink(s);
    }
    EmbedOperator.Config embed =
        new EmbedOperator.Config(
            new MinioObjectFetcher.Settings(
                s.s3Endpoint(),
                s.s3AccessKey(),
                s.s3SecretKey(),
                s.fetchMaxBytes(),
                FetchErrors.Policy.DEFAULT),
            s.model(),
            s.limits(),
            s.onnx(),
            s.batchSize(),
            s.batchMaxDelay(),
            s.decodeThreads(),
            s.gate(),
            s.detect());
    // a change the store refuses (e.g. fields over its limits that slipped past the embed stage) is
    // dead-lettered
    // by the sink, never replayed forever
    VectorStoreSink index =
        new VectorStoreSink(s.store(), SinkOptions.of(s.sinkBatch()), sinkDeadLetters(s));
    build(env, source, embed, index, deadLetters, embeddings, Watching.of(s));
  }

  // Every Kafka client of the job gets the security settings (kafka.sasl.*,
  // kafka.security.protocol).

  static KafkaSource<KafkaRecord> source(EmbedderSettings s) {
    return kafkaSource(
        s,
        s.imageEventsTopic(),
        s.groupId(),
        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
  }

  /** A source of {@code topic} with the job's bootstrap servers and Kafka client settings. */
  static KafkaSource<KafkaRecord> kafkaSource(
      EmbedderSettings s, String topic, String groupId, OffsetsInitializer startingOffsets) {
    KafkaSourceBuilder<KafkaRecord> b =
        KafkaSource.<KafkaRecord>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(startingOffsets)
            .setDeserializer(new KafkaRecordDeserializer())
            // an idle source's fetch waits longer at the broker; new records answer it at once
            .setProperty(IdleFetch.CONFIG, Integer.toString(IdleFetch.MAX_WAIT_MS));
    s.kafkaClientProperties().forEach(b::setProperty);
    return b.build();
  }

  static KafkaSink<DeadLetter> deadLetterSink(EmbedderSettings s) {
    return kafkaSink(s, TopicSerializer.deadLetters(s.deadLetterTopic()));
  }

  static KafkaSink<EmbeddingChange> embeddingsSink(EmbedderSettings s) {
    return kafkaSink(s, TopicSerializer.embeddings(s.embeddingsTopic()));
  }

  /**
   * An at-least-once sink writing through {@code serializer}, with the job's bootstrap servers and
   * Kafka client settings.
   */
  static <T> KafkaSink<T> kafkaSink(
      EmbedderSettings s, KafkaRecordSerializationSchema<T> serializer) {
    KafkaSinkBuilder<T> b =
        KafkaSink.<T>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setRecordSerializer(serializer)
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    s.kafkaClientProperties().forEach(b::setProperty);
    return b.build();
  }

  static KafkaSinkDeadLetters sinkDeadLetters(EmbedderSettings s) {
    return new KafkaSinkDeadLetters(
        s.bootstrapServers(), s.deadLetterTopic(), s.kafkaClientProperties());
  }

  public static void main(String[] args) throws Exception {
    EmbedderSettings settings =
        EmbedderSettings.fromEnv(System.getenv(), ParameterTool.fromArgs(args).toMap());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, settings);
    env.execute("imgsearch-embedder");
  }
}
