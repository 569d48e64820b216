package dev.imgsearch.ingest;

import dev.imgsearch.schemas.minio.MalformedNotificationException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Notification message → one event per admitted record (keyed by image id, MinIO's sequencer in
 * header {@value #SEQUENCER_HEADER}); skipped records are counted; an unreadable message becomes
 * one dead letter; a record over the field limits becomes a dead letter of its own (the others of
 * the message go on).
 */
final class MapNotifications extends RoutedProcessor<byte[], byte[]> {
  static final String SEQUENCER_HEADER = "imgsearch.sequencer";

  /**
   * Set on a DELETED event that is the permanent deletion of one version ({@code
   * s3:ObjectRemoved:Delete} with a version id).
   */
  static final String VERSION_DELETE_HEADER = "imgsearch.version-delete";

  static final String REASON_UNPARSEABLE = "unparseable-notification";

  private final ImageFilter filter;

  MapNotifications(ImageFilter filter, IngestMetrics metrics) {
    super(metrics);
    this.filter = filter;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    java.util.List<NotificationMapper.Outcome> outcomes;
    try {
      outcomes = NotificationMapper.map(utf8(record.value()), filter);
    } catch (MalformedNotificationException e) {
      DeadLetterRouting.forward(
          context, metrics, record, REASON_UNPARSEABLE, e.getMessage(), e, null, true);
      return;
    }
    for (NotificationMapper.Outcome o : outcomes) {
      if (o.skipped()) {
        metrics.skipped(o.skipReason());
      } else if (o.rejected()) {
        // this record alone, as a one-record notification (replayable as it is); the others go on
        DeadLetterRouting.forward(
            context,
            metrics,
            record.withValue(o.rejectedRecordJson().getBytes(StandardCharsets.UTF_8)),
            o.rejectReason(),
            o.rejectDetail(),
            null,
            o.rejectedImageId(),
            true);
      } else {
        RecordHeaders headers = new RecordHeaders();
        if (o.sequencer() != null) {
          headers.add(SEQUENCER_HEADER, o.sequencer().getBytes(StandardCharsets.UTF_8));
        }
        if (o.versionDelete()) {
          headers.add(VERSION_DELETE_HEADER, new byte[] {1});
        }
        context.forward(
            new Record<>(
                o.event().getImageId(), Routed.event(o.event()), record.timestamp(), headers));
      }
    }
  }

  private static String utf8(byte[] bytes) {
    if (bytes == null) {
      throw new MalformedNotificationException("null notification value");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedNotificationException("notification is not UTF-8 text", e);
    }
  }
}
