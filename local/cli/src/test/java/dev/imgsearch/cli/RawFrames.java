package dev.imgsearch.cli;

import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A JPEG frame as a camera publishes it to the raw-frames topic, through the producer builder {@link RawFrame}. */
final class RawFrames {
  private RawFrames() {}

  /** The record of a JPEG frame; {@code capturedAt} null leaves the capture time to the record timestamp. */
  static ProducerRecord<byte[], byte[]> jpeg(byte[] jpeg, String source, String id, Long capturedAt) {
    RawFrame frame = RawFrame.of(jpeg, "image/jpeg", source).id(id);
    if (capturedAt != null) {
      frame.capturedAtMillis(capturedAt);
    }
    return frame.toRecord(Topics.RAW_FRAMES.name());
  }
}
