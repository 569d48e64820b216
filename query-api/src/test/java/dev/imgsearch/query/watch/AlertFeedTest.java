package dev.imgsearch.query.watch;

import static dev.imgsearch.query.watch.WatchRecords.alert;
import static dev.imgsearch.query.watch.WatchRecords.nearDuplicates;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AlertFeedTest {

  @Test
  void keepsTheNewestPerWatchAndDropsRepeatedIds() {
    AlertFeed feed = new AlertFeed(2, 10, 100);
    List<String> seen = new ArrayList<>();
    Consumer<Alert> s = a -> seen.add(a.getAlertId());
    feed.subscribe(s);
    assertThat(feed.publish(alert("1", "w"))).isTrue();
    assertThat(feed.publish(alert("1", "w"))).isFalse();
    feed.publish(alert("2", "w"));
    feed.publish(alert("3", "w"));
    feed.publish(alert("4", "v"));
    assertThat(feed.recent("w", 10)).extracting(Alert::getAlertId).containsExactly("3", "2");
    assertThat(feed.recent("w", 1)).extracting(Alert::getAlertId).containsExactly("3");
    assertThat(feed.recent("none", 10)).isEmpty();
    assertThat(seen).containsExactly("1", "2", "3", "4");
    feed.unsubscribe(s);
    feed.publish(alert("5", "w"));
    assertThat(seen).hasSize(4);
    feed.forget("w");
    assertThat(feed.recent("w", 10)).isEmpty();
  }

  @Test
  void boundsTheWatchesHeldAndTheDedupWindow() {
    AlertFeed feed = new AlertFeed(5, 2, 2);
    feed.publish(alert("1", "a"));
    feed.publish(alert("2", "b"));
    feed.publish(alert("3", "c")); // a, least recently alerted, goes
    assertThat(feed.sizes()).containsOnlyKeys("b", "c");
    assertThat(feed.publish(alert("1", "a"))).isTrue(); // "1" fell out of the 2-id window
  }

  @Test
  void viewAppliesValuesAndTombstones() {
    WatchView view = new WatchView();
    Watch w = nearDuplicates("x");
    assertThat(view.ready()).isFalse();
    view.apply("x", w);
    assertThat(view.get("x")).contains(w);
    view.apply("x", null);
    assertThat(view.list()).isEmpty();
    view.markReady();
    assertThat(view.ready()).isTrue();
  }

  @Test
  void anAlertsRecordThatIsNotAnAlertIsCountedAndSkippedAndTheNextOneStillArrives() {
    AlertFeed feed = new AlertFeed(5, 10, 100);
    byte[] good =
        dev.imgsearch.schemas.Topics.ALERTS
            .valueSerde()
            .serializer()
            .serialize("a", alert("1", "w"));
    KafkaWatches.publish(feed, new ConsumerRecord<>("a", 0, 5L, "junk", new byte[] {1, 2, 3}));
    KafkaWatches.publish(feed, new ConsumerRecord<>("a", 0, 6L, "x".repeat(10_000), new byte[0]));
    KafkaWatches.publish(feed, new ConsumerRecord<>("a", 0, 7L, "gone", null)); // a tombstone
    KafkaWatches.publish(feed, new ConsumerRecord<>("a", 0, 8L, "1", good));
    assertThat(feed.undecodable()).isEqualTo(2);
    assertThat(feed.received()).isEqualTo(1);
    assertThat(feed.recent("w", 10)).extracting(Alert::getAlertId).containsExactly("1");
  }

  @Test
  void undecodableAlertsAreLoggedFirstOneByOneThenSparsely() {
    assertThat(KafkaWatches.logs(1)).isTrue();
    assertThat(KafkaWatches.logs(10)).isTrue();
    assertThat(KafkaWatches.logs(11)).isFalse();
    assertThat(KafkaWatches.logs(999)).isFalse();
    assertThat(KafkaWatches.logs(1000)).isTrue();
    assertThat(KafkaWatches.logs(2000)).isTrue();
    assertThat(KafkaWatches.bounded("k")).isEqualTo("k");
    assertThat(KafkaWatches.bounded(null)).isNull();
    assertThat(KafkaWatches.bounded("x".repeat(10_000))).hasSize(201);
  }

  @Test
  void undecodableWatchRecordsCountAsRemovals() {
    assertThat(KafkaWatches.decodeWatch("t", "x", new byte[] {1, 2, 3})).isNull();
    assertThat(KafkaWatches.decodeWatch("t", "x", null)).isNull();
    Watch w = nearDuplicates("x");
    byte[] bytes = dev.imgsearch.schemas.Topics.WATCHES.valueSerde().serializer().serialize("t", w);
    assertThat(KafkaWatches.decodeWatch("t", "x", bytes)).isEqualTo(w);
    assertThat(KafkaWatches.decodeWatch("t", "other-key", bytes)).isNull();
  }
}
