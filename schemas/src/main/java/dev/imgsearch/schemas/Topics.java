package dev.imgsearch.schemas;

import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.Watch;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The Kafka topics of the pipeline with their key and value formats. Names are defaults;
 * deployments may prefix.
 */
public final class Topics {
  private Topics() {}

  /** A topic name with its key and value serdes. */
  public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public Topic<K, V> withName(String newName) {
      return new Topic<>(newName, keySerde, valueSerde);
    }
  }

  /** MinIO bucket notifications: key {@code bucket/objectName}, value MinIO's S3 event JSON. */
  public static final Topic<String, String> NOTIFICATIONS =
      new Topic<>("imgsearch.minio-events", Serdes.String(), Serdes.String());

  /** Typed image events keyed by image id (Avro single-object encoding). */
  public static final Topic<String, ImageEvent> IMAGE_EVENTS =
      new Topic<>(
          "imgsearch.image-events",
          Serdes.String(),
          AvroSerde.of(
              ImageEvent.getEncoder(),
              SchemaHistory.decoder(
                  ImageEvent.getClassSchema(),
                  "ImageEvent",
                  dev.imgsearch.schemas.avro.ImageEventType.getClassSchema())));

  /** Embeddings keyed by image id (Avro single-object encoding). */
  public static final Topic<String, ImageEmbedding> EMBEDDINGS =
      new Topic<>(
          "imgsearch.embeddings",
          Serdes.String(),
          AvroSerde.of(
              ImageEmbedding.getEncoder(),
              SchemaHistory.decoder(ImageEmbedding.getClassSchema(), "ImageEmbedding")));

  /**
   * Camera / producer frames for ingest-stream's claim-check path: value = image bytes; headers
   * {@code source}, {@code content-type}, optional {@code captured-at} (ISO-8601 or epoch millis),
   * {@code id}, {@code tags}.
   */
  public static final Topic<byte[], byte[]> RAW_FRAMES =
      new Topic<>("imgsearch.raw-frames", Serdes.ByteArray(), Serdes.ByteArray());

  /**
   * Records that could not be processed: original key and value, the reason in headers (see {@link
   * DeadLetters}).
   */
  public static final Topic<byte[], byte[]> DEAD_LETTERS =
      new Topic<>("imgsearch.dead-letters", Serdes.ByteArray(), Serdes.ByteArray());

  /**
   * Standing queries keyed by watch id; compacted, a tombstone deletes the watch (the source of
   * truth of watches).
   */
  public static final Topic<String, Watch> WATCHES =
      new Topic<>(
          "imgsearch.watches",
          Serdes.String(),
          AvroSerde.of(Watch.getEncoder(), SchemaHistory.decoder(Watch.getClassSchema(), "Watch")));

  /**
   * Alerts raised by watches, keyed by the deterministic alert id ({@link AlertIds}); consumers
   * de-duplicate by it.
   */
  /**
   * How long the alerts topic keeps an alert ({@code retention.ms}; the local stack's, and the
   * KafkaTopic's in k8s/base/kafka/topics.yaml): the query API rebuilds its alert history from the
   * topic at start, so this is how far back the history reaches after a restart.
   */
  public static final Duration ALERTS_RETENTION = Duration.ofDays(14);

  public static final Topic<String, Alert> ALERTS =
      new Topic<>(
          "imgsearch.alerts",
          Serdes.String(),
          AvroSerde.of(Alert.getEncoder(), SchemaHistory.decoder(Alert.getClassSchema(), "Alert")));
}
