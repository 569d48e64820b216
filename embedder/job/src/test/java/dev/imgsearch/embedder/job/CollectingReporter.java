package dev.imgsearch.embedder.job;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps every registered metric by its full identifier, so a
 * MiniCluster test can read the job's counters and histograms. Configure {@code
 * metrics.reporter.collect.factory.class} with {@link Factory}.
 */
public final class CollectingReporter implements MetricReporter {
  static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    METRICS.put(group.getMetricIdentifier(name), metric);
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

  /**
   * Sum of the counters whose identifier matches {@code regex} (e.g. {@code
   * .*\\.fetch-decode-embed\\.\\d+\\.imagesEmbedded}).
   */
  static long counter(String regex) {
    return sum(regex, Counter.class, Counter::getCount);
  }

  /** Number of values recorded by the histograms whose identifier matches {@code regex}. */
  static long histogramCount(String regex) {
    return sum(regex, Histogram.class, Histogram::getCount);
  }

  /** Sum of the current values of the numeric gauges whose identifier matches {@code regex}. */
  static long gauge(String regex) {
    return sum(regex, Gauge.class, g -> ((Number) g.getValue()).longValue());
  }

  private static <M extends Metric> long sum(String regex, Class<M> type, ToLongFunction<M> value) {
    return METRICS.entrySet().stream()
        .filter(e -> e.getKey().matches(regex) && type.isInstance(e.getValue()))
        .mapToLong(e -> value.applyAsLong(type.cast(e.getValue())))
        .sum();
  }

  /** The factory Flink instantiates. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CollectingReporter();
    }
  }
}
