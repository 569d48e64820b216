package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record one stage could not process: the original key and value, plus why (see {@link
 * DeadLetters} for the header names). Nothing is dropped silently: every rejection becomes one of
 * these.
 *
 * <p>Bounded, so that a dead letter always fits the topic (Kafka's default max message is ~1 MB):
 * every header value is cut to {@value #MAX_HEADER_BYTES} UTF-8 bytes ({@value #MAX_DETAIL_BYTES}
 * for the detail); a key over {@value #MAX_KEY_BYTES} bytes or a value over {@value
 * #MAX_VALUE_BYTES} bytes is dropped and its size recorded in {@link DeadLetters#KEY_DROPPED} /
 * {@link DeadLetters#VALUE_DROPPED}. The original stays readable at the original
 * topic/partition/offset, which every dead letter carries when known.
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

  /** Max UTF-8 bytes of a header value (the detail has its own bound). */
  public static final int MAX_HEADER_BYTES = 512;

  /** Max UTF-8 bytes of the detail header. */
  public static final int MAX_DETAIL_BYTES = 2048;

  /** A longer original key is dropped. */
  public static final int MAX_KEY_BYTES = 1024;

  /**
   * A longer original value is dropped (well under Kafka's default 1 MB message limit, headers
   * included).
   */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  public DeadLetter {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(reason, "reason");
    detail = Objects.requireNonNullElse(detail, "");
  }

  /**
   * The key as it is written: null when the original was longer than {@value #MAX_KEY_BYTES} bytes.
   */
  public byte[] boundedKey() {
    return key != null && key.length > MAX_KEY_BYTES ? null : key;
  }

  /**
   * The value as it is written: null when the original was longer than {@value #MAX_VALUE_BYTES}
   * bytes.
   */
  public byte[] boundedValue() {
    return value != null && value.length > MAX_VALUE_BYTES ? null : value;
  }

  /** Headers carrying the reason and the origin of the record, each bounded. */
  public Headers headers() {
    RecordHeaders h = new RecordHeaders();
    put(h, DeadLetters.STAGE, stage, MAX_HEADER_BYTES);
    put(h, DeadLetters.REASON, reason, MAX_HEADER_BYTES);
    put(h, DeadLetters.DETAIL, detail, MAX_DETAIL_BYTES);
    put(h, DeadLetters.EXCEPTION_CLASS, exceptionClass, MAX_HEADER_BYTES);
    put(h, DeadLetters.IMAGE_ID, imageId, MAX_HEADER_BYTES);
    put(h, DeadLetters.ORIGINAL_TOPIC, originalTopic, MAX_HEADER_BYTES);
    if (originalTopic != null) {
      put(h, DeadLetters.ORIGINAL_PARTITION, Integer.toString(originalPartition), MAX_HEADER_BYTES);
      put(h, DeadLetters.ORIGINAL_OFFSET, Long.toString(originalOffset), MAX_HEADER_BYTES);
    }
    if (key != null && boundedKey() == null) {
      put(h, DeadLetters.KEY_DROPPED, Integer.toString(key.length), MAX_HEADER_BYTES);
    }
    if (value != null && boundedValue() == null) {
      put(h, DeadLetters.VALUE_DROPPED, Integer.toString(value.length), MAX_HEADER_BYTES);
    }
    return h;
  }

  public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
    return new ProducerRecord<>(topic, null, null, boundedKey(), boundedValue(), headers());
  }

  private static void put(RecordHeaders h, String name, String value, int maxBytes) {
    if (value != null) {
      h.add(name, FieldLimits.truncateUtf8(value, maxBytes).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Reads a header value as text, or null. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
