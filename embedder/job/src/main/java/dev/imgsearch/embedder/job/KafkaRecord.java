package dev.imgsearch.embedder.job;

/**
 * A Kafka record as read, undecoded, so that a value that cannot be decoded reaches the dead-letter
 * topic with its origin instead of failing the source. Public mutable fields make it a Flink POJO.
 */
public class KafkaRecord {
  public String topic;
  public int partition;
  public long offset;
  public byte[] key;
  public byte[] value;

  public KafkaRecord() {}

  public KafkaRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
  }
}
