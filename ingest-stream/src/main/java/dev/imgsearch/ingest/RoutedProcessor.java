package dev.imgsearch.ingest;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Base of the processors whose outputs are {@link Routed} (an event or a dead letter) and which
 * count what they do in {@link IngestMetrics}.
 */
abstract class RoutedProcessor<K, V> implements Processor<K, V, String, Routed> {
  final IngestMetrics metrics;
  ProcessorContext<String, Routed> context;

  RoutedProcessor(IngestMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
  }
}
