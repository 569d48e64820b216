package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.Topics;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of one topic a Kafka sink of the job writes: {@link #deadLetters}, {@link
 * #embeddings} and {@link #alerts}.
 */
public final class TopicSerializer<T> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  /** The record of an element on a topic; serializable, as the sink is. */
  @FunctionalInterface
  public interface ToRecord<T> extends Serializable {
    ProducerRecord<byte[], byte[]> apply(T element, String topic);
  }

  private final String topic;
  private final ToRecord<T> toRecord;

  public TopicSerializer(String topic, ToRecord<T> toRecord) {
    this.topic = topic;
    this.toRecord = toRecord;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    return toRecord.apply(element, topic);
  }

  /** Dead letters with their reason headers. */
  public static TopicSerializer<DeadLetter> deadLetters(String topic) {
    return new TopicSerializer<>(topic, DeadLetter::toProducerRecord);
  }

  /**
   * Embeddings topic records: key = image id, value = Avro {@code ImageEmbedding} (single-object
   * encoding), or no value (a tombstone) for a deletion, so that compaction keeps exactly the
   * current embedding of every existing image.
   */
  public static TopicSerializer<EmbeddingChange> embeddings(String topic) {
    return new TopicSerializer<>(topic, TopicSerializer::embedding);
  }

  /** Alerts topic records: key = alert id, value = Avro {@code Alert}. */
  public static TopicSerializer<AlertMessage> alerts(String topic) {
    return new TopicSerializer<>(topic, TopicSerializer::alert);
  }

  private static ProducerRecord<byte[], byte[]> embedding(EmbeddingChange change, String topic) {
    byte[] key = change.imageId.getBytes(StandardCharsets.UTF_8);
    byte[] value =
        change.deleted
            ? null
            : Topics.EMBEDDINGS.valueSerde().serializer().serialize(topic, Records.toAvro(change));
    return new ProducerRecord<>(
        topic, null, change.eventTimeMillis > 0 ? change.eventTimeMillis : null, key, value);
  }

  private static ProducerRecord<byte[], byte[]> alert(AlertMessage alert, String topic) {
    return new ProducerRecord<>(
        topic,
        null,
        alert.timestampMillis > 0 ? alert.timestampMillis : null,
        alert.alertId.getBytes(StandardCharsets.UTF_8),
        alert.value);
  }
}
