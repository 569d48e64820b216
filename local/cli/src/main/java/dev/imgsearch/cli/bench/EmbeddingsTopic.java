package dev.imgsearch.cli.bench;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The current embedding of every image, read from the compacted embeddings topic (tombstones
 * remove).
 */
final class EmbeddingsTopic {
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(1);

  private EmbeddingsTopic() {}

  /**
   * Reads the topic from the beginning to its current end; fails when that takes more than 1 min.
   */
  static Map<String, float[]> read(String bootstrap) {
    Map<String, float[]> out = new HashMap<>();
    var deserializer = Topics.EMBEDDINGS.valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerProperties(bootstrap),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(Topics.EMBEDDINGS.name()).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("embeddings topic not read within 1 min");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          String id = new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            out.remove(id);
          } else {
            out.put(id, vector(deserializer.deserialize(r.topic(), r.value())));
          }
        }
      }
    }
    return out;
  }

  private static Properties consumerProperties(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "bench-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    return p;
  }

  private static float[] vector(ImageEmbedding e) {
    float[] v = new float[e.getVector().size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = e.getVector().get(i);
    }
    return v;
  }
}
