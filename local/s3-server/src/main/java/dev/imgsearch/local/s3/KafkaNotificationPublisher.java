package dev.imgsearch.local.s3;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes notifications to one Kafka topic synchronously, like MinIO with {@code
 * MINIO_API_SYNC_EVENTS=on}: {@link #publish} returns after the broker acknowledged the record
 * ({@code acks=all}, idempotent producer), so an S3 request that changed an object completes only
 * once its notification is in Kafka.
 */
public final class KafkaNotificationPublisher implements NotificationPublisher, AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final String topic;

  private KafkaNotificationPublisher(KafkaProducer<String, String> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /**
   * Connects to {@code bootstrapServers} and fetches the topic's metadata, so an unreachable broker
   * or a missing topic (when the broker does not auto-create topics) fails here, at start-up,
   * rather than on the first S3 write.
   */
  public static KafkaNotificationPublisher connect(String bootstrapServers, String topic) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.CLIENT_ID_CONFIG,
            "imgsearch-s3-server",
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            0,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            15_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            30_000);
    var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    try {
      producer.partitionsFor(topic);
    } catch (KafkaException e) {
      producer.close();
      throw new IllegalStateException(
          "cannot reach topic "
              + topic
              + " on Kafka at "
              + bootstrapServers
              + ": "
              + e.getMessage(),
          e);
    }
    return new KafkaNotificationPublisher(producer, topic);
  }

  @Override
  public void publish(String key, String json) {
    try {
      producer.send(new ProducerRecord<>(topic, key, json)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "notification for " + key + " not published: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while publishing the notification for " + key, e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
