package dev.imgsearch.query.watch;

import java.util.Objects;

/**
 * The standing-query side of the API: where watches are written, the view they are read from, and
 * the alerts feed.
 *
 * @param log writes to the watches topic
 * @param view the topic materialised in memory
 * @param alerts history and live subscribers of the alerts topic
 * @param webhooks which webhooks a watch may name
 * @param deliveries counts of the webhook deliveries
 */
public record Watches(
    WatchLog log,
    WatchView view,
    AlertFeed alerts,
    WebhookSettings webhooks,
    WebhookStats deliveries) {
  public Watches {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(webhooks, "webhooks");
    Objects.requireNonNull(deliveries, "deliveries");
  }

  /** Without webhooks. */
  public Watches(WatchLog log, WatchView view, AlertFeed alerts) {
    this(log, view, alerts, WebhookSettings.OFF, new WebhookStats());
  }

  /**
   * A watch write that is also applied to the view at once, so a client reads its own write (the
   * consumer applies the same record again later).
   */
  public void put(dev.imgsearch.schemas.avro.Watch w) {
    log.put(w);
    view.apply(w.getId(), w);
  }

  /** Tombstones {@code id}, drops it from the view and its alert history. */
  public void delete(String id) {
    log.delete(id);
    view.apply(id, null);
    alerts.forget(id);
  }
}
