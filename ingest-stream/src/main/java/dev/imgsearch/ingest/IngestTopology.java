package dev.imgsearch.ingest;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.minio.MalformedNotificationException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * notifications → image events (keyed by image id) | dead letters (original bytes, reason in headers).
 * {@link #build} is pure topology; lifecycle lives in {@link IngestApp}.
 */
public final class IngestTopology {
  public static final String SOURCE = "notifications";
  public static final String MAPPER = "map-notifications";
  public static final String EVENTS_SINK = "image-events";
  public static final String DLQ_SINK = "dead-letters";
  public static final String STAGE = "ingest-stream";

  private IngestTopology() {}

  public static Topology build(IngestSettings s) {
    Topology t = new Topology();
    t.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), s.notificationsTopic());
    t.addProcessor(MAPPER, MapNotifications::new, SOURCE);
    t.addSink(
        EVENTS_SINK, s.imageEventsTopic(), Serdes.String().serializer(),
        Topics.IMAGE_EVENTS.valueSerde().serializer(), MAPPER);
    t.addSink(DLQ_SINK, s.deadLetterTopic(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), MAPPER);
    return t;
  }

  /** Maps each notification; forwards events to {@link #EVENTS_SINK} and failures to {@link #DLQ_SINK}. */
  static final class MapNotifications implements Processor<byte[], byte[], Object, Object> {
    private ProcessorContext<Object, Object> context;

    @Override
    public void init(ProcessorContext<Object, Object> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      try {
        for (NotificationMapper.Outcome o : NotificationMapper.map(utf8(record.value()))) {
          if (!o.skipped()) {
            ImageEvent e = o.event();
            context.forward(new Record<Object, Object>(e.getImageId(), e, record.timestamp()), EVENTS_SINK);
          }
        }
      } catch (MalformedNotificationException e) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        DeadLetter letter =
            new DeadLetter(
                STAGE, "unparseable-notification", e.getMessage(), e.getClass().getName(), null,
                m == null ? null : m.topic(), m == null ? -1 : m.partition(), m == null ? -1 : m.offset(),
                record.key(), record.value());
        context.forward(
            new Record<Object, Object>(record.key(), record.value(), record.timestamp(), letter.headers()), DLQ_SINK);
      }
    }

    private static String utf8(byte[] bytes) {
      if (bytes == null) {
        throw new MalformedNotificationException("null notification value");
      }
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new MalformedNotificationException("notification is not UTF-8 text", e);
      }
    }
  }
}
