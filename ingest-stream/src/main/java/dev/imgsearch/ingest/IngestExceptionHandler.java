package dev.imgsearch.ingest;

import dev.imgsearch.schemas.DeadLetter;
import java.util.List;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams processing exception handler (KIP-1033/1034): an unexpected exception in a
 * processor sends the source record to the dead-letter topic with this project's headers (reason
 * {@value #REASON}, original topic/partition/offset, exception class) and processing resumes;
 * {@link ObjectStoreUnavailableException} fails the thread instead, so the frame is retried from
 * the last commit rather than skipped.
 */
public final class IngestExceptionHandler extends DeadLetterHandler
    implements ProcessingExceptionHandler {
  public static final String DEAD_LETTER_TOPIC_CONFIG = "imgsearch.dead-letter-topic";
  public static final String METRICS_CONFIG = "imgsearch.metrics";
  public static final String REASON = "processing-failed";
  private static final Logger LOG = LoggerFactory.getLogger(IngestExceptionHandler.class);

  @Override
  public Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (exception instanceof ObjectStoreUnavailableException || deadLetterTopic() == null) {
      LOG.error(
          "processing failed in {} at {}-{}@{}; the thread restarts from the last commit",
          context.processorNodeId(),
          context.topic(),
          context.partition(),
          context.offset(),
          exception);
      return Response.fail();
    }
    LOG.warn(
        "processing failed in {} at {}-{}@{}; record sent to {}",
        context.processorNodeId(),
        context.topic(),
        context.partition(),
        context.offset(),
        deadLetterTopic(),
        exception);
    count(REASON);
    DeadLetter letter =
        new DeadLetter(
            IngestTopology.STAGE,
            REASON,
            String.valueOf(exception.getMessage()),
            exception.getClass().getName(),
            null,
            context.topic(),
            context.partition(),
            context.offset(),
            context.sourceRawKey(),
            context.sourceRawValue());
    return Response.resume(List.of(letter.toProducerRecord(deadLetterTopic())));
  }
}
