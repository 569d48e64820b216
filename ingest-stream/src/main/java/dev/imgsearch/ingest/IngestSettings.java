package dev.imgsearch.ingest;

import dev.imgsearch.schemas.Topics;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** Settings of the ingest-stream app; {@link #fromMap} reads the documented option names. */
public record IngestSettings(
    String bootstrapServers,
    String applicationId,
    String notificationsTopic,
    String imageEventsTopic,
    String deadLetterTopic,
    String processingGuarantee,
    String stateDir) {

  public IngestSettings {
    Objects.requireNonNull(bootstrapServers, "kafka.bootstrap-servers");
    if (!processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      throw new IllegalArgumentException("processing.guarantee must be at_least_once or exactly_once_v2");
    }
  }

  public static IngestSettings defaults(String bootstrapServers, String stateDir) {
    return fromMap(Map.of("kafka.bootstrap-servers", bootstrapServers, "state.dir", stateDir));
  }

  public static IngestSettings fromMap(Map<String, String> m) {
    String bootstrap = m.get("kafka.bootstrap-servers");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("missing required option kafka.bootstrap-servers");
    }
    return new IngestSettings(
        bootstrap,
        m.getOrDefault("application.id", "imgsearch-ingest"),
        m.getOrDefault("topic.notifications", Topics.NOTIFICATIONS.name()),
        m.getOrDefault("topic.image-events", Topics.IMAGE_EVENTS.name()),
        m.getOrDefault("topic.dead-letters", Topics.DEAD_LETTERS.name()),
        m.getOrDefault("processing.guarantee", StreamsConfig.AT_LEAST_ONCE),
        m.getOrDefault("state.dir", System.getProperty("java.io.tmpdir") + "/imgsearch-ingest"));
  }

  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.producerPrefix("linger.ms"), 5);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return p;
  }
}
