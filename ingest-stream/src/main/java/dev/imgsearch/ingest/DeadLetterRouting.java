package dev.imgsearch.ingest;

import dev.imgsearch.schemas.DeadLetter;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds the dead-letter record for the record being processed and counts it. */
final class DeadLetterRouting {
  private DeadLetterRouting() {}

  static void forward(
      ProcessorContext<String, Routed> context,
      IngestMetrics metrics,
      Record<byte[], byte[]> record,
      String reason,
      String detail,
      Throwable cause,
      String imageId,
      boolean keepValue) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    DeadLetter letter =
        new DeadLetter(
            IngestTopology.STAGE,
            reason,
            detail,
            cause == null ? null : cause.getClass().getName(),
            imageId,
            m == null ? null : m.topic(),
            m == null ? -1 : m.partition(),
            m == null ? -1 : m.offset(),
            record.key(),
            keepValue ? record.value() : null);
    metrics.deadLetter(reason);
    context.forward(
        new Record<>(
            null,
            Routed.dead(letter.boundedKey(), letter.boundedValue()),
            record.timestamp(),
            letter.headers()));
  }
}
