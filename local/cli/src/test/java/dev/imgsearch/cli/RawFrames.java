package dev.imgsearch.cli;

import dev.imgsearch.ingest.Frames;
import dev.imgsearch.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A raw frame as a camera publishes it to the raw-frames topic: JPEG bytes, source / content type / id headers. */
final class RawFrames {
  private RawFrames() {}

  /** The record of a JPEG frame; {@code capturedAt} null leaves the capture time to the record timestamp. */
  static ProducerRecord<byte[], byte[]> jpeg(byte[] jpeg, String source, String id, Long capturedAt) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.RAW_FRAMES.name(), utf8(id), jpeg);
    r.headers().add(Frames.H_SOURCE, utf8(source));
    r.headers().add(Frames.H_CONTENT_TYPE, utf8("image/jpeg"));
    r.headers().add(Frames.H_ID, utf8(id));
    if (capturedAt != null) {
      r.headers().add(Frames.H_CAPTURED_AT, utf8(Long.toString(capturedAt)));
    }
    return r;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
