package dev.imgsearch.ingest;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.avro.ImageEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last steps before the sinks: every output fits its topic ({@link OutputLimits}) before it is
 * sent.
 */
final class BoundOutputs {
  private static final Logger LOG = LoggerFactory.getLogger(BoundOutputs.class);

  private BoundOutputs() {}

  /**
   * Image events: one larger than the event topic accepts becomes a dead letter {@value
   * IngestProductionExceptionHandler#REASON_TOO_LARGE} (key = image id, no value) instead.
   */
  static final class Events extends RoutedProcessor<String, ImageEvent> {
    private final int maxBytes;
    private final String topic;
    private final Serializer<ImageEvent> serializer;

    Events(int maxBytes, String topic, Serializer<ImageEvent> serializer, IngestMetrics metrics) {
      super(metrics);
      this.maxBytes = maxBytes;
      this.topic = topic;
      this.serializer = serializer;
    }

    @Override
    public void process(Record<String, ImageEvent> record) {
      byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
      int n =
          OutputLimits.recordBytes(
              key, serializer.serialize(topic, record.value()), record.headers());
      if (n <= maxBytes) {
        context.forward(record.withValue(Routed.event(record.value())));
        return;
      }
      RecordMetadata m = context.recordMetadata().orElse(null);
      DeadLetter letter =
          new DeadLetter(
              IngestTopology.STAGE,
              IngestProductionExceptionHandler.REASON_TOO_LARGE,
              "image event of about "
                  + n
                  + " bytes exceeds the max.message.bytes "
                  + maxBytes
                  + " of "
                  + topic,
              null,
              record.key(),
              m == null ? null : m.topic(),
              m == null ? -1 : m.partition(),
              m == null ? -1 : m.offset(),
              key,
              null);
      metrics.deadLetter(IngestProductionExceptionHandler.REASON_TOO_LARGE);
      context.forward(
          new Record<>(
              record.key(),
              Routed.dead(letter.boundedKey(), null),
              record.timestamp(),
              letter.headers()));
    }
  }

  /**
   * Dead letters: one larger than the dead-letter topic accepts loses its value, then its key
   * (sizes recorded in {@link DeadLetters#VALUE_DROPPED} / {@link DeadLetters#KEY_DROPPED}); the
   * original stays at its original offset.
   */
  static final class DeadLetterRecords implements Processor<String, Routed, byte[], byte[]> {
    private final int maxBytes;
    private ProcessorContext<byte[], byte[]> context;

    DeadLetterRecords(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, Routed> record) {
      byte[] key = record.value().deadKey();
      byte[] value = record.value().deadValue();
      Headers headers = new RecordHeaders(record.headers().toArray());
      if (value != null && OutputLimits.recordBytes(key, value, headers) > maxBytes) {
        headers.add(
            DeadLetters.VALUE_DROPPED,
            Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        value = null;
      }
      if (key != null && OutputLimits.recordBytes(key, value, headers) > maxBytes) {
        headers.add(
            DeadLetters.KEY_DROPPED, Integer.toString(key.length).getBytes(StandardCharsets.UTF_8));
        key = null;
      }
      int n = OutputLimits.recordBytes(key, value, headers);
      if (n > maxBytes) {
        LOG.warn(
            "a dead letter's headers alone ({} bytes) exceed the dead-letter topic's max.message.bytes {}",
            n,
            maxBytes);
      }
      context.forward(new Record<>(key, value, record.timestamp(), headers));
    }
  }
}
