package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Watches} on Kafka: writes with a {@link KafkaWatchLog}; the view reads the watches topic
 * from its beginning, and so does the alert feed read the alerts topic (the durable store of the
 * alert history, bounded by the topic's retention): the records there at start rebuild the history
 * ({@link AlertFeed#restore}), the ones after them are new alerts ({@link AlertFeed#publish}).
 */
public final class KafkaWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaWatches.class);

  /** Bound on an acknowledged write to the watches topic. */
  public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final Watches watches;
  private final KafkaWatchLog log;
  private final TopicTail watchTail;
  private final TopicTail alertTail;
  private final WebhookDispatcher dispatcher;

  private KafkaWatches(
      Watches watches,
      KafkaWatchLog log,
      TopicTail watchTail,
      TopicTail alertTail,
      WebhookDispatcher dispatcher) {
    this.watches = watches;
    this.log = log;
    this.watchTail = watchTail;
    this.alertTail = alertTail;
    this.dispatcher = dispatcher;
  }

  /** Without webhooks. */
  public static KafkaWatches open(
      Map<String, Object> clientProperties, String watchesTopic, String alertsTopic) {
    return open(clientProperties, watchesTopic, alertsTopic, WebhookSettings.OFF);
  }

  /** Holding {@value AlertFeed#DEFAULT_PER_WATCH} alerts per watch. */
  public static KafkaWatches open(
      Map<String, Object> clientProperties,
      String watchesTopic,
      String alertsTopic,
      WebhookSettings webhooks) {
    return open(clientProperties, watchesTopic, alertsTopic, webhooks, AlertFeed.DEFAULT_PER_WATCH);
  }

  /**
   * @param clientProperties bootstrap servers and security of every client
   * @param webhooks when enabled, a {@link WebhookDispatcher} (group {@value
   *     WebhookDispatcher#GROUP_ID}) posts the alerts of watches with a webhook
   * @param historyPerWatch alerts held per watch (the newest)
   */
  public static KafkaWatches open(
      Map<String, Object> clientProperties,
      String watchesTopic,
      String alertsTopic,
      WebhookSettings webhooks,
      int historyPerWatch) {
    WatchView view = new WatchView();
    AlertFeed feed = AlertFeed.holding(historyPerWatch);
    KafkaWatchLog log = new KafkaWatchLog(clientProperties, watchesTopic, WRITE_TIMEOUT);
    TopicTail watchTail =
        new TopicTail(
                clientProperties,
                watchesTopic,
                Long.MAX_VALUE,
                r -> view.apply(r.key(), decodeWatch(watchesTopic, r.key(), r.value())),
                view::markReady)
            .start();
    TopicTail alertTail =
        new TopicTail(
                clientProperties,
                alertsTopic,
                Long.MAX_VALUE,
                (r, backlog) -> publish(feed, r, backlog),
                feed::markCaughtUp)
            .start();
    WebhookStats stats = new WebhookStats();
    WebhookDispatcher dispatcher =
        webhooks.enabled()
            ? new WebhookDispatcher(
                    clientProperties,
                    alertsTopic,
                    WebhookDispatcher.GROUP_ID,
                    view,
                    webhooks,
                    stats)
                .start()
            : null;
    return new KafkaWatches(
        new Watches(log, view, feed, webhooks, stats), log, watchTail, alertTail, dispatcher);
  }

  /**
   * The watch in a record's value; null for a tombstone and for a value that is not a watch
   * (logged).
   */
  static Watch decodeWatch(String topic, String id, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      Watch w = Topics.WATCHES.valueSerde().deserializer().deserialize(topic, bytes);
      if (w == null || !w.getId().equals(id)) {
        LOG.warn(
            "watch record '{}' is not a watch with that id; the job dead-letters it, the view drops it",
            id);
        return null;
      }
      return w;
    } catch (RuntimeException e) {
      LOG.warn(
          "watch record '{}' does not decode ({}); the job dead-letters it, the view drops it",
          id,
          e.toString());
      return null;
    }
  }

  /** A new alerts record (not from the backlog). */
  static void publish(AlertFeed feed, ConsumerRecord<String, byte[]> r) {
    publish(feed, r, false);
  }

  /**
   * Publishes the alert of an alerts record to {@code feed} (restores it into the history only if
   * it is from the {@code backlog} read at start); a tombstone is ignored. A value that is not an
   * alert is counted ({@link AlertFeed#undecodable()}, metric {@code imgsearch.alerts.undecodable})
   * and logged with its partition and offset (the first {@value #LOGGED_UNDECODABLE}, then every
   * {@value #LOG_EVERY_UNDECODABLE}th, so a flood cannot fill the log); the record itself stays on
   * the topic for whoever investigates. No dead letter: the API only reads the alerts topic, and a
   * record the job wrote is already durable there.
   */
  static void publish(AlertFeed feed, ConsumerRecord<String, byte[]> r, boolean backlog) {
    if (r.value() == null) {
      return;
    }
    Alert alert;
    try {
      alert = Topics.ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      long n = feed.countUndecodable();
      if (logs(n)) {
        LOG.warn(
            "alert record {}-{}@{} (key '{}', {} bytes) does not decode, skipped ({} undecodable so"
                + " far): {}",
            r.topic(),
            r.partition(),
            r.offset(),
            bounded(r.key()),
            r.value().length,
            n,
            bounded(e.toString()));
      }
      return;
    }
    if (backlog) {
      feed.restore(alert);
    } else {
      feed.publish(alert);
    }
  }

  /** Alerts that do not decode logged one by one before the log thins out. */
  static final int LOGGED_UNDECODABLE = 10;

  /** After the first ones, one undecodable alert in this many is logged. */
  static final int LOG_EVERY_UNDECODABLE = 1000;

  /** Whether the {@code n}-th undecodable alert (1-based) is logged. */
  static boolean logs(long n) {
    return n <= LOGGED_UNDECODABLE || n % LOG_EVERY_UNDECODABLE == 0;
  }

  /** {@code s} cut to 200 characters for a log line (keys and messages come from the topic). */
  static String bounded(String s) {
    return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  public Watches watches() {
    return watches;
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    alertTail.close();
    watchTail.close();
    log.close();
  }
}
