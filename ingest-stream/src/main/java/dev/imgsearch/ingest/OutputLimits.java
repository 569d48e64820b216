package dev.imgsearch.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record each output topic accepts ({@code max.message.bytes}, and never more than the
 * producer's default {@code max.request.size} of 1 MiB). Outputs are bounded against these before
 * they are sent: under exactly-once a record the broker refuses dooms the whole transaction, so the
 * production exception handler alone cannot keep the stream going. Read from the topics at start
 * ({@link #detect}); a topic that does not exist yet, or a broker that does not answer, counts as
 * the broker default.
 */
public record OutputLimits(int eventsMaxBytes, int deadLettersMaxBytes) {
  /** Kafka's default {@code message.max.bytes} / {@code max.message.bytes}. */
  public static final int BROKER_DEFAULT = 1_048_588;

  /** The producer's default {@code max.request.size}: no single record can be larger. */
  public static final int PRODUCER_MAX_REQUEST = 1_048_576;

  /**
   * What a record costs beyond its key, value and headers: batch header (61 bytes) and record
   * framing, rounded up.
   */
  public static final int OVERHEAD_BYTES = 128;

  public static final OutputLimits DEFAULT = new OutputLimits(BROKER_DEFAULT, BROKER_DEFAULT);
  private static final Logger LOG = LoggerFactory.getLogger(OutputLimits.class);

  public OutputLimits {
    eventsMaxBytes = Math.min(eventsMaxBytes, PRODUCER_MAX_REQUEST);
    deadLettersMaxBytes = Math.min(deadLettersMaxBytes, PRODUCER_MAX_REQUEST);
  }

  /** Upper bound of the bytes one uncompressed record takes in a batch. */
  public static int recordBytes(byte[] key, byte[] value, Headers headers) {
    long n = OVERHEAD_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    if (headers != null) {
      for (Header h : headers) {
        n += h.key().length() + (h.value() == null ? 0 : h.value().length);
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  static int parseMaxMessageBytes(String value) {
    try {
      int n = value == null ? 0 : Integer.parseInt(value.trim());
      return n > 0 ? n : BROKER_DEFAULT;
    } catch (NumberFormatException e) {
      return BROKER_DEFAULT;
    }
  }

  /**
   * Reads {@code max.message.bytes} of both output topics; falls back to {@link #DEFAULT} (logged)
   * on any failure.
   *
   * @param clientProperties bootstrap servers and security settings ({@link
   *     IngestSettings#clientProperties()})
   */
  public static OutputLimits detect(
      Map<String, Object> clientProperties,
      String eventsTopic,
      String deadLetterTopic,
      Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(config)) {
      return new OutputLimits(
          read(admin, eventsTopic, timeout), read(admin, deadLetterTopic, timeout));
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot read the output topics' max.message.bytes ({}); assuming {}",
          e.toString(),
          BROKER_DEFAULT);
      return DEFAULT;
    }
  }

  private static int read(Admin admin, String topic, Duration timeout) {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config c =
          admin
              .describeConfigs(List.of(r))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(r);
      var entry = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      int n = parseMaxMessageBytes(entry == null ? null : entry.value());
      LOG.info("output topic {}: max.message.bytes {}", topic, n);
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return BROKER_DEFAULT;
    } catch (Exception e) {
      LOG.info(
          "output topic {}: max.message.bytes not readable ({}); assuming {}",
          topic,
          e.toString(),
          BROKER_DEFAULT);
      return BROKER_DEFAULT;
    }
  }
}
