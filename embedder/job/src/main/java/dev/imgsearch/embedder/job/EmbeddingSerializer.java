package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Embeddings topic records: key = image id, value = Avro {@code ImageEmbedding} (single-object
 * encoding), or no value (a tombstone) for a deletion, so that compaction keeps exactly the current
 * embedding of every existing image.
 */
public final class EmbeddingSerializer implements KafkaRecordSerializationSchema<EmbeddingChange> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public EmbeddingSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      EmbeddingChange change, KafkaSinkContext context, Long timestamp) {
    byte[] key = change.imageId.getBytes(StandardCharsets.UTF_8);
    byte[] value =
        change.deleted
            ? null
            : Topics.EMBEDDINGS.valueSerde().serializer().serialize(topic, Records.toAvro(change));
    return new ProducerRecord<>(
        topic, null, change.eventTimeMillis > 0 ? change.eventTimeMillis : null, key, value);
  }
}
