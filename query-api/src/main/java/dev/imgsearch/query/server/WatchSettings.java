package dev.imgsearch.query.server;

import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import java.util.Map;
import java.util.Objects;

/**
 * Where the standing queries live: both topics on the Kafka cluster at {@code bootstrapServers}.
 *
 * @param security authentication of the API's producer and consumers
 * @param webhooks alert delivery by webhook
 * @param alertHistoryPerWatch alerts held per watch for {@code GET /v1/watches/{id}/alerts}, ≥ 1
 */
public record WatchSettings(
    String bootstrapServers,
    String watchesTopic,
    String alertsTopic,
    KafkaSecurity security,
    WebhookSettings webhooks,
    int alertHistoryPerWatch) {
  public WatchSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(watchesTopic, "watchesTopic");
    Objects.requireNonNull(alertsTopic, "alertsTopic");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(webhooks, "webhooks");
    if (alertHistoryPerWatch < 1) {
      throw new IllegalArgumentException(
          "--"
              + QueryServerOptions.ALERTS_HISTORY_PER_WATCH.key()
              + " must be ≥ 1, got "
              + alertHistoryPerWatch);
    }
  }

  /** Without webhooks, {@value AlertFeed#DEFAULT_PER_WATCH} alerts held per watch. */
  public WatchSettings(
      String bootstrapServers, String watchesTopic, String alertsTopic, KafkaSecurity security) {
    this(
        bootstrapServers,
        watchesTopic,
        alertsTopic,
        security,
        WebhookSettings.OFF,
        AlertFeed.DEFAULT_PER_WATCH);
  }

  /** Bootstrap servers and security as Kafka client properties. */
  public Map<String, Object> clientProperties() {
    return security.with(Map.of("bootstrap.servers", bootstrapServers));
  }

  @Override
  public String toString() {
    return bootstrapServers
        + " "
        + watchesTopic
        + "/"
        + alertsTopic
        + " "
        + security
        + ", "
        + webhooks
        + ", "
        + alertHistoryPerWatch
        + " alerts held per watch";
  }
}
