package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.FieldLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * "Nothing halts the stream", at the sink: records the store refuses (40 tags, an over-long id)
 * reach a real Flink job writing to the embedded store with a real Kafka dead-letter topic. The job
 * must finish without a single restart (it may not restart at all), the refused records must be on
 * the dead-letter topic with their reason and every other record in the store.
 */
class SinkDeadLettersIT extends BrokerPerClass {
  static final int DIM = 8;
  static final int CHANGES = 120;
  static final long FORTY_TAGS = 37;
  static final long LONG_ID = 81;

  static String id(long i) {
    return i == LONG_ID ? "x".repeat(FieldLimits.MAX_ID_BYTES + 1) : "img-" + i;
  }

  static IndexAction change(long i) {
    List<String> tags = new ArrayList<>();
    for (int t = 0; t < (i == FORTY_TAGS ? 40 : 2); t++) {
      tags.add("tag-" + t);
    }
    float[] v = new float[DIM];
    v[(int) (i % DIM)] = 1f;
    return IndexAction.upsert(
        new VectorRecord(id(i), v, "images", "k/" + i, "cam", 1_000 + i, tags, "m@1"));
  }

  @Test
  void refusedRecordsAreDeadLetteredAndTheJobNeitherFailsNorRestarts() throws Exception {
    String topic = "sink-dlq";
    broker.createTopics(1, topic);
    StoreSettings store = StoreSettings.embedded(dir.resolve("store").toString(), "images", DIM);

    Configuration conf = new Configuration();
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY,
        "none"); // a refusal that failed the job would fail the test
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    env.enableCheckpointing(200);
    env.fromSource(
            new DataGeneratorSource<>(
                i -> i, CHANGES, RateLimiterStrategy.perSecond(300), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "changes")
        .map(SinkDeadLettersIT::change)
        .returns(TypeInformation.of(IndexAction.class))
        .keyBy(IndexAction::id)
        .sinkTo(
            new VectorStoreSink(
                store,
                SinkOptions.of(25).withMaxDelay(Duration.ofMillis(100)),
                new KafkaSinkDeadLetters(broker.bootstrapServers(), topic)))
        .name("index");
    env.execute("sink-dead-letters");

    try (VectorStore s = VectorStores.open(store)) {
      assertThat(s.count()).isEqualTo(CHANGES - 2);
      assertThat(s.get(id(FORTY_TAGS))).isEmpty();
      assertThat(s.get(id(FORTY_TAGS + 1))).isPresent();
      assertThat(s.get(id(LONG_ID - 1))).isPresent();
    }

    Map<String, String> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, 2)) {
      assertThat(DeadLetter.header(r.headers(), DeadLetters.STAGE))
          .isEqualTo(KafkaSinkDeadLetters.STAGE);
      assertThat(r.value()).isNull();
      reasons.put(
          new String(r.key(), StandardCharsets.UTF_8),
          DeadLetter.header(r.headers(), DeadLetters.REASON));
    }
    assertThat(reasons)
        .containsOnly(
            Map.entry(id(FORTY_TAGS), FieldLimits.REASON),
            Map.entry(id(LONG_ID), FieldLimits.REASON));
  }

  static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      TopicPartition p = new TopicPartition(topic, 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < atLeast && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(out::add); // and nothing more
    }
    assertThat(out).as("dead letters on " + topic).hasSize(atLeast);
    return out;
  }
}
