package dev.imgsearch.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the ingest topology: {@code start()} / {@code close()}; {@code main} reads {@code --name value} options. */
public final class IngestApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);
  private final KafkaStreams streams;

  public IngestApp(IngestSettings settings) {
    LOG.info("ingest-stream settings: {}", settings);
    this.streams = new KafkaStreams(IngestTopology.build(settings), settings.streamsProperties());
  }

  public IngestApp start() {
    streams.start();
    return this;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(10));
  }

  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    IngestApp app = new IngestApp(IngestSettings.fromMap(options)).start();
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "ingest-shutdown"));
  }
}
