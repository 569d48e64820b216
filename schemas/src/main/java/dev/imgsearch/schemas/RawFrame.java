package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The wire format of a raw frame on {@link Topics#RAW_FRAMES}, as a camera or feed publishes it,
 * and a builder for producers. Value: the image bytes. Key: the source, so one camera's frames stay
 * in order on one partition. Headers (UTF-8 text):
 *
 * <ul>
 *   <li>{@value #H_SOURCE} (required): the camera or feed, {@code
 *       [A-Za-z0-9][A-Za-z0-9._-]{0,127}};
 *   <li>{@value #H_CONTENT_TYPE} (required): {@code image/jpeg|png|webp|gif|bmp|tiff};
 *   <li>{@value #H_CAPTURED_AT} (optional): epoch millis or an ISO-8601 instant; default the record
 *       timestamp;
 *   <li>{@value #H_ID} (optional): {@code [A-Za-z0-9_-]{1,128}}; default derived from the bytes, so
 *       a re-sent frame is the same image;
 *   <li>{@value #H_TAGS} (optional): comma-separated.
 * </ul>
 *
 * <p>The ingest stream validates these (a frame it refuses goes to the dead-letter topic with the
 * reason); this builder only checks what it is given is present.
 *
 * <pre>{@code
 * producer.send(RawFrame.of(jpegBytes, "image/jpeg", "cam-7").capturedAt(Instant.now()).tags("door", "night")
 *     .toRecord(Topics.RAW_FRAMES.name()));
 * }</pre>
 */
public final class RawFrame {
  public static final String H_SOURCE = "source";
  public static final String H_CONTENT_TYPE = "content-type";
  public static final String H_CAPTURED_AT = "captured-at";
  public static final String H_ID = "id";
  public static final String H_TAGS = "tags";

  private final byte[] bytes;
  private final String contentType;
  private final String source;
  private String id;
  private Long capturedAtMillis;
  private List<String> tags = List.of();

  private RawFrame(byte[] bytes, String contentType, String source) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    this.contentType = requireText(contentType, "contentType");
    this.source = requireText(source, "source");
  }

  /**
   * A frame of {@code bytes} in {@code contentType} (e.g. {@code image/jpeg}) from {@code source}.
   */
  public static RawFrame of(byte[] bytes, String contentType, String source) {
    return new RawFrame(bytes, contentType, source);
  }

  /** The image id; without one the ingest stream derives it from the bytes. */
  public RawFrame id(String id) {
    this.id = requireText(id, "id");
    return this;
  }

  /** When the frame was captured; without it, the record timestamp. */
  public RawFrame capturedAt(Instant capturedAt) {
    this.capturedAtMillis = Objects.requireNonNull(capturedAt, "capturedAt").toEpochMilli();
    return this;
  }

  /** When the frame was captured, in epoch millis; without it, the record timestamp. */
  public RawFrame capturedAtMillis(long capturedAtMillis) {
    this.capturedAtMillis = capturedAtMillis;
    return this;
  }

  /** Tags searchable as a filter; a tag must not contain a comma. */
  public RawFrame tags(String... tags) {
    for (String tag : tags) {
      if (requireText(tag, "tag").contains(",")) {
        throw new IllegalArgumentException("a tag must not contain ',': " + tag);
      }
    }
    this.tags = List.of(tags);
    return this;
  }

  /** The record to send to {@code topic}, keyed by the source. */
  public ProducerRecord<byte[], byte[]> toRecord(String topic) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, utf8(source), bytes);
    record.headers().add(H_SOURCE, utf8(source));
    record.headers().add(H_CONTENT_TYPE, utf8(contentType));
    if (id != null) {
      record.headers().add(H_ID, utf8(id));
    }
    if (capturedAtMillis != null) {
      record.headers().add(H_CAPTURED_AT, utf8(Long.toString(capturedAtMillis)));
    }
    if (!tags.isEmpty()) {
      record.headers().add(H_TAGS, utf8(String.join(",", tags)));
    }
    return record;
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
