package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.VectorStoreSink;
import dev.imgsearch.schemas.DeadLetter;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The embedding job: image events from Kafka → fetch + decode + embed → vector store, rejected records → dead-letter
 * topic. {@link #build} wires any source and sinks (tests pass bounded ones); {@link #main} wires the real ones.
 */
public final class EmbedderJob {
  private EmbedderJob() {}

  /** Adds the pipeline to {@code env}. */
  public static void build(
      StreamExecutionEnvironment env,
      Source<KafkaRecord, ?, ?> source,
      EmbedFunction embed,
      Sink<IndexAction> index,
      Sink<DeadLetter> deadLetters) {
    SingleOutputStreamOperator<IndexAction> actions =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "image-events")
            .uid("image-events-source")
            .process(embed)
            .uid("embed")
            .name("fetch-decode-embed")
            .returns(TypeInformation.of(IndexAction.class));
    actions.getSideOutput(EmbedFunction.DEAD_LETTERS).sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters");
    // keyed by image id so that all changes of one image reach the same sink writer in order
    actions.keyBy(IndexAction::id).sinkTo(index).uid("vector-store-sink").name("vector-store");
  }

  /** Adds the pipeline with the real Kafka source, vector store sink and Kafka dead-letter sink. */
  public static void build(StreamExecutionEnvironment env, EmbedderSettings s) {
    env.enableCheckpointing(s.checkpointInterval().toMillis());
    KafkaSource<KafkaRecord> source =
        KafkaSource.<KafkaRecord>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setTopics(s.imageEventsTopic())
            .setGroupId(s.groupId())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new KafkaRecordDeserializer())
            .build();
    KafkaSink<DeadLetter> deadLetters =
        KafkaSink.<DeadLetter>builder()
            .setBootstrapServers(s.bootstrapServers())
            .setRecordSerializer(new DeadLetterSerializer(s.deadLetterTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    EmbedFunction embed =
        new EmbedFunction(
            new MinioObjectFetcher.Settings(s.s3Endpoint(), s.s3AccessKey(), s.s3SecretKey()),
            s.model(),
            DecodeLimits.DEFAULT,
            s.intraOpThreads());
    build(env, source, embed, new VectorStoreSink(s.store(), s.sinkBatch()), deadLetters);
  }

  public static void main(String[] args) throws Exception {
    EmbedderSettings settings = EmbedderSettings.fromMap(ParameterTool.fromArgs(args).toMap());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, settings);
    env.execute("imgsearch-embedder");
  }

  /** Default checkpoint interval for the local stack: short, since the sink flushes on checkpoints. */
  public static final Duration LOCAL_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
}
