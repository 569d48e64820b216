package dev.imgsearch.ingest;

import java.util.Map;
import org.apache.kafka.common.Configurable;

/**
 * What ingest's exception handlers share: the dead-letter topic and the metrics they read from
 * their configuration ({@value IngestExceptionHandler#DEAD_LETTER_TOPIC_CONFIG}, {@value
 * IngestExceptionHandler#METRICS_CONFIG}).
 */
abstract class DeadLetterHandler implements Configurable {
  private String topic;
  private IngestMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = (String) configs.get(IngestExceptionHandler.DEAD_LETTER_TOPIC_CONFIG);
    metrics =
        configs.get(IngestExceptionHandler.METRICS_CONFIG) instanceof IngestMetrics m ? m : null;
  }

  /** The dead-letter topic, or null when none is configured. */
  final String deadLetterTopic() {
    return topic;
  }

  /** Counts a dead letter of this reason, when there are metrics. */
  final void count(String reason) {
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
  }
}
