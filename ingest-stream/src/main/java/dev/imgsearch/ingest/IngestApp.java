package dev.imgsearch.ingest;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest topology with its Prometheus endpoint: {@code start()} / {@code close()}; {@code
 * main} reads {@code --name value} flags over {@code IMGSEARCH_INGEST_*} environment variables. A
 * failed stream thread (e.g. the object store down for longer than the retry budget) is replaced
 * and resumes from the last commit.
 */
public final class IngestApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);
  private final IngestSettings settings;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final IngestMetrics metrics = new IngestMetrics(registry);
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private MetricsServer metricsServer;

  public IngestApp(IngestSettings settings) {
    this.settings = settings;
    LOG.info("ingest-stream settings:{}", settings);
    RetryingObjectStore store = null;
    if (settings.frames() != null) {
      var f = settings.frames();
      store =
          RetryingObjectStore.of(
              MinioObjectStore.connect(f.endpoint(), f.accessKey(), f.secretKey()),
              f.backoff(),
              metrics::objectStoreRetry);
    }
    Properties props = settings.streamsProperties();
    props.put(IngestExceptionHandler.METRICS_CONFIG, metrics);
    OutputLimits limits =
        OutputLimits.detect(
            settings.clientProperties(),
            settings.imageEventsTopic(),
            settings.deadLetterTopic(),
            Duration.ofSeconds(10));
    this.streams = new KafkaStreams(IngestTopology.build(settings, metrics, store, limits), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; replacing it (resumes from the last commit)", e);
          metrics.threadReplaced();
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  public IngestApp start() {
    if (settings.metricsPort() >= 0) {
      metricsServer =
          MetricsServer.start(
              settings.metricsPort(), registry, () -> streams.state().isRunningOrRebalancing());
      LOG.info("ingest-stream metrics on http://0.0.0.0:{}/metrics", metricsServer.port());
    }
    streams.start();
    return this;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /** Port of the metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    streamsMetrics.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
  }

  /** {@code --name value} pairs (or {@code --name=value}) → option map. */
  public static Map<String, String> parseFlags(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + a);
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        options.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < args.length) {
        options.put(a.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("option " + a + " has no value");
      }
    }
    return options;
  }

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(IngestSettings.REGISTRY.help());
      return;
    }
    IngestSettings settings;
    try {
      settings = IngestSettings.fromEnv(System.getenv(), parseFlags(args));
    } catch (IllegalArgumentException e) {
      System.err.println("ingest-stream: " + e.getMessage());
      System.err.print(IngestSettings.REGISTRY.help());
      System.exit(2);
      return;
    }
    IngestApp app = new IngestApp(settings).start();
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ingest-shutdown"));
  }
}
