package dev.imgsearch.embedder.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Alerts topic records: key = alert id, value = Avro {@code Alert}. */
public final class AlertSerializer implements KafkaRecordSerializationSchema<AlertMessage> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public AlertSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AlertMessage alert, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        alert.timestampMillis > 0 ? alert.timestampMillis : null,
        alert.alertId.getBytes(StandardCharsets.UTF_8),
        alert.value);
  }
}
