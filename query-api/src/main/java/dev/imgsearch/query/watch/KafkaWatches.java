package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Watch;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Watches} on Kafka: writes with a {@link KafkaWatchLog}; the view reads the watches topic
 * from its beginning, the alert feed the last {@link #ALERT_BACKLOG} records of each alerts
 * partition and then every new one.
 */
public final class KafkaWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaWatches.class);

  /** Alerts re-read per partition at start, to refill the in-memory history. */
  public static final long ALERT_BACKLOG = 10_000;

  /** Bound on an acknowledged write to the watches topic. */
  public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final Watches watches;
  private final KafkaWatchLog log;
  private final TopicTail watchTail;
  private final TopicTail alertTail;

  private KafkaWatches(
      Watches watches, KafkaWatchLog log, TopicTail watchTail, TopicTail alertTail) {
    this.watches = watches;
    this.log = log;
    this.watchTail = watchTail;
    this.alertTail = alertTail;
  }

  /**
   * @param clientProperties bootstrap servers and security of every client
   */
  public static KafkaWatches open(
      Map<String, Object> clientProperties, String watchesTopic, String alertsTopic) {
    WatchView view = new WatchView();
    AlertFeed feed = AlertFeed.defaults();
    KafkaWatchLog log = new KafkaWatchLog(clientProperties, watchesTopic, WRITE_TIMEOUT);
    TopicTail watchTail =
        new TopicTail(
                clientProperties,
                watchesTopic,
                Long.MAX_VALUE,
                (id, bytes) -> view.apply(id, decodeWatch(watchesTopic, id, bytes)),
                view::markReady)
            .start();
    TopicTail alertTail =
        new TopicTail(
                clientProperties,
                alertsTopic,
                ALERT_BACKLOG,
                (id, bytes) -> publish(feed, alertsTopic, id, bytes),
                () -> {})
            .start();
    return new KafkaWatches(new Watches(log, view, feed), log, watchTail, alertTail);
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

  private static void publish(AlertFeed feed, String topic, String id, byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      feed.publish(Topics.ALERTS.valueSerde().deserializer().deserialize(topic, bytes));
    } catch (RuntimeException e) {
      LOG.warn("alert record '{}' does not decode, skipped: {}", id, e.toString());
    }
  }

  public Watches watches() {
    return watches;
  }

  @Override
  public void close() {
    alertTail.close();
    watchTail.close();
    log.close();
  }
}
