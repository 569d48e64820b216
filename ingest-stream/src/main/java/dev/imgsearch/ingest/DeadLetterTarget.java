package dev.imgsearch.ingest;

import java.util.Map;

/**
 * Where ingest's exception handlers send dead letters and count them, read from their configuration
 * ({@value IngestExceptionHandler#DEAD_LETTER_TOPIC_CONFIG}, {@value
 * IngestExceptionHandler#METRICS_CONFIG}).
 *
 * @param topic the dead-letter topic, or null when none is configured
 * @param metrics where dead letters are counted, or null
 */
record DeadLetterTarget(String topic, IngestMetrics metrics) {
  /** Before the handler is configured: no topic, no metrics. */
  static final DeadLetterTarget NONE = new DeadLetterTarget(null, null);

  static DeadLetterTarget of(Map<String, ?> configs) {
    return new DeadLetterTarget(
        (String) configs.get(IngestExceptionHandler.DEAD_LETTER_TOPIC_CONFIG),
        configs.get(IngestExceptionHandler.METRICS_CONFIG) instanceof IngestMetrics m ? m : null);
  }

  /** Counts a dead letter of this reason, when there are metrics. */
  void count(String reason) {
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
  }
}
