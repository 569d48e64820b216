package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record one stage could not process: the original key and value unchanged, plus why (see {@link DeadLetters}
 * for the header names). Nothing is dropped silently: every rejection becomes one of these.
 */
public record DeadLetter(
    String stage,
    String reason,
    String detail,
    String exceptionClass,
    String imageId,
    String originalTopic,
    int originalPartition,
    long originalOffset,
    byte[] key,
    byte[] value) {

  public DeadLetter {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    detail = Objects.requireNonNullElse(detail, "");
  }

  /** Headers carrying the reason and the origin of the record. */
  public Headers headers() {
    RecordHeaders h = new RecordHeaders();
    put(h, DeadLetters.STAGE, stage);
    put(h, DeadLetters.REASON, reason);
    put(h, DeadLetters.DETAIL, detail);
    put(h, DeadLetters.EXCEPTION_CLASS, exceptionClass);
    put(h, DeadLetters.IMAGE_ID, imageId);
    put(h, DeadLetters.ORIGINAL_TOPIC, originalTopic);
    if (originalTopic != null) {
      put(h, DeadLetters.ORIGINAL_PARTITION, Integer.toString(originalPartition));
      put(h, DeadLetters.ORIGINAL_OFFSET, Long.toString(originalOffset));
    }
    return h;
  }

  public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
    return new ProducerRecord<>(topic, null, null, key, value, headers());
  }

  private static void put(RecordHeaders h, String name, String value) {
    if (value != null) {
      h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Reads a header value as text, or null. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
