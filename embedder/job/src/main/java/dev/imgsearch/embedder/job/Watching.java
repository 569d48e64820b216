package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Wires standing queries into the job: the watches topic as a broadcast stream, {@link
 * WatchMatchFunction} right after embedding (keyed by source), alerts to the alerts topic.
 *
 * @param watches source of the compacted watches topic (read from its beginning)
 * @param alerts sink of the alerts topic
 */
public record Watching(Source<KafkaRecord, ?, ?> watches, Sink<AlertMessage> alerts) {

  /** Adds the matching to {@code changes}; returns the dead letters of rejected watch records. */
  DataStream<DeadLetter> attach(DataStream<EmbeddingChange> changes) {
    BroadcastStream<KafkaRecord> rules =
        changes
            .getExecutionEnvironment()
            .fromSource(watches, WatermarkStrategy.noWatermarks(), "watches")
            .uid("watches-source")
            .setParallelism(1)
            .broadcast(WatchMatchFunction.WATCHES);
    SingleOutputStreamOperator<AlertMessage> matched =
        changes
            .keyBy(WatchMatchFunction::sourceKey)
            .connect(rules)
            .process(new WatchMatchFunction(), TypeInformation.of(AlertMessage.class))
            .uid("match-watches")
            .name("match-watches");
    matched.sinkTo(alerts).uid("alerts-sink").name("alerts");
    return matched.getSideOutput(WatchMatchFunction.DEAD_LETTERS);
  }

  /**
   * The real Kafka source and sink, when {@code topic.watches} and {@code topic.alerts} are
   * configured; else null.
   */
  static Watching of(EmbedderSettings s) {
    if (s.watchesTopic() == null) {
      return null;
    }
    // every start without a checkpoint reads all watches: the compacted topic is their source of
    // truth
    return new Watching(
        EmbedderJob.kafkaSource(
            s, s.watchesTopic(), s.groupId() + "-watches", OffsetsInitializer.earliest()),
        EmbedderJob.kafkaSink(s, TopicSerializer.alerts(s.alertsTopic())));
  }
}
