package dev.imgsearch.ingest;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams production exception handler (KIP-1034 dead-letter records): an output record the
 * broker refuses as too large ({@value #REASON_TOO_LARGE}) or that cannot be serialized ({@value
 * #REASON_SERIALIZATION}) becomes a bounded dead letter — sizes and target topic in the detail, no
 * value, the output's key when small (an image event's key is its image id), the origin of a
 * refused dead letter carried over — and processing resumes instead of the thread dying and looping
 * on the same offset. (The broker's refusal arrives asynchronously, when the processing context may
 * already be a later record: the failed record itself is what identifies it.) A dead letter that is
 * itself refused is replaced by one without key and value; if even that is refused, it is dropped
 * (logged and counted). Retriable broker errors are retried and anything else fails the thread, as
 * Kafka Streams' default handler does.
 */
public final class IngestProductionExceptionHandler extends DeadLetterHandler
    implements ProductionExceptionHandler {
  public static final String REASON_TOO_LARGE = "output-too-large";
  public static final String REASON_SERIALIZATION = "output-serialization-failed";

  /**
   * Counted (as a dead letter reason) when a dead letter about a dead letter is refused too and
   * nothing is written.
   */
  public static final String REASON_DROPPED = "dead-letter-dropped";

  private static final Logger LOG = LoggerFactory.getLogger(IngestProductionExceptionHandler.class);

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException
        || exception instanceof RecordBatchTooLargeException) {
      String what =
          "output record of "
              + size(record.key())
              + " key bytes, "
              + size(record.value())
              + " value bytes, "
              + headerBytes(record)
              + " header bytes to "
              + record.topic();
      // the broker's answer comes asynchronously: the context may already be a later record, so the
      // failed record's
      // own key and (for a dead letter) origin headers identify it, not the context
      return deadLetter(
          context,
          record,
          record.key(),
          false,
          REASON_TOO_LARGE,
          what + " refused: " + exception.getMessage(),
          exception);
    }
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    LOG.error(
        "writing to {} failed at {}-{}@{}; the thread fails",
        record.topic(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return Response.fail();
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    // serialization happens in the processing call: the context is the source record's
    return deadLetter(
        context,
        record,
        context.sourceRawKey(),
        true,
        REASON_SERIALIZATION,
        origin
            + " of the output record to "
            + record.topic()
            + " cannot be serialized: "
            + exception.getMessage(),
        exception);
  }

  private Response deadLetter(
      ErrorHandlerContext context,
      ProducerRecord<?, ?> failed,
      byte[] key,
      boolean contextIsSource,
      String reason,
      String detail,
      Exception e) {
    String topic = deadLetterTopic();
    if (topic == null) {
      LOG.error("{} and no dead-letter topic configured; the thread fails: {}", reason, detail);
      return Response.fail();
    }
    boolean letterRefused = Objects.equals(failed.topic(), topic);
    Headers failedHeaders = failed.headers() == null ? new RecordHeaders() : failed.headers();
    if (letterRefused && failedHeaders.lastHeader(BARE_HEADER) != null) {
      // already the smallest dead letter there is: do not loop
      LOG.error(
          "a dead letter without key and value was refused by {} ({}); dropped", topic, detail);
      count(REASON_DROPPED);
      return Response.resume();
    }
    String originTopic = null;
    int originPartition = -1;
    long originOffset = -1;
    String imageId = null;
    if (letterRefused) {
      // a refused dead letter names its origin itself
      originTopic = DeadLetter.header(failedHeaders, DeadLetters.ORIGINAL_TOPIC);
      originPartition =
          (int) parse(DeadLetter.header(failedHeaders, DeadLetters.ORIGINAL_PARTITION));
      originOffset = parse(DeadLetter.header(failedHeaders, DeadLetters.ORIGINAL_OFFSET));
      imageId = DeadLetter.header(failedHeaders, DeadLetters.IMAGE_ID);
      detail =
          "the dead letter ("
              + DeadLetter.header(failedHeaders, DeadLetters.REASON)
              + ") itself was refused: "
              + detail;
      key = null;
    } else if (contextIsSource) {
      originTopic = context.topic();
      originPartition = context.partition();
      originOffset = context.offset();
    } else {
      String k = key == null ? null : new String(key, StandardCharsets.UTF_8);
      imageId = ImageIds.isValid(k) ? k : null;
    }
    LOG.warn("{}: {}; dead letter sent to {}", reason, detail, topic);
    count(reason);
    DeadLetter letter =
        new DeadLetter(
            IngestTopology.STAGE,
            reason,
            detail,
            e.getClass().getName(),
            imageId,
            originTopic,
            originPartition,
            originOffset,
            key,
            null);
    ProducerRecord<byte[], byte[]> out = letter.toProducerRecord(topic);
    if (letterRefused) {
      out.headers().add(BARE_HEADER, new byte[] {1});
    }
    return Response.resume(List.of(out));
  }

  /**
   * Marks a dead letter written by this handler without key and value after its first form was
   * refused.
   */
  static final String BARE_HEADER = "imgsearch.dlq.bare";

  private static long parse(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int size(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static long headerBytes(ProducerRecord<byte[], byte[]> r) {
    long n = 0;
    for (var h : r.headers()) {
      n += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return n;
  }
}
