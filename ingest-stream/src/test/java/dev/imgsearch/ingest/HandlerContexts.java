package dev.imgsearch.ingest;

import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;

/** What the exception handler tests share: a fixed source-record context and the configuration. */
final class HandlerContexts {
  private HandlerContexts() {}

  /** An {@link ErrorHandlerContext} that answers with its components. */
  record Fixed(
      String topic,
      int partition,
      long offset,
      Headers headers,
      String processorNodeId,
      TaskId taskId,
      long timestamp,
      byte[] sourceRawKey,
      byte[] sourceRawValue)
      implements ErrorHandlerContext {}

  /**
   * The context of a source record at {@code topic}/{@code partition}/{@code offset} (no headers,
   * timestamp 0) in processor {@code node} of task {@code partition} of sub-topology {@code
   * subtopology}.
   */
  static ErrorHandlerContext context(
      String topic,
      int partition,
      long offset,
      String node,
      int subtopology,
      byte[] rawKey,
      byte[] rawValue) {
    return new Fixed(
        topic,
        partition,
        offset,
        new RecordHeaders(),
        node,
        new TaskId(subtopology, partition),
        0,
        rawKey,
        rawValue);
  }

  /** The handlers' configuration: dead letters to topic {@code dlq}, counted in {@code metrics}. */
  static Map<String, Object> config(IngestMetrics metrics) {
    return Map.of(
        IngestExceptionHandler.DEAD_LETTER_TOPIC_CONFIG,
        "dlq",
        IngestExceptionHandler.METRICS_CONFIG,
        metrics);
  }
}
