package dev.imgsearch.embedder.job;

/**
 * An alert as it goes to the alerts topic: the deterministic alert id (the record key) and the Avro
 * {@code Alert} in single-object encoding, already serialised so Flink never has to serialise an
 * Avro object. Public mutable fields make it a Flink POJO.
 */
public class AlertMessage {
  public String alertId;
  public byte[] value;

  /**
   * When it was matched: the record's timestamp (not the capture time, so that alerts from replayed
   * old footage are not deleted at once by the topic's retention).
   */
  public long timestampMillis;

  public AlertMessage() {}

  public AlertMessage(String alertId, byte[] value, long timestampMillis) {
    this.alertId = alertId;
    this.value = value;
    this.timestampMillis = timestampMillis;
  }
}
