package dev.imgsearch.local.s3;

/** Delivers one bucket notification; returns only once it is durably stored, throws otherwise. */
@FunctionalInterface
public interface NotificationPublisher {
  /**
   * @param key the Kafka message key, {@code bucket + "/" + objectName}
   * @param json the MinIO notification JSON
   */
  void publish(String key, String json);
}
