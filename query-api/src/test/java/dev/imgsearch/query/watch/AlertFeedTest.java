package dev.imgsearch.query.watch;

import static dev.imgsearch.query.watch.WatchRecords.alert;
import static dev.imgsearch.query.watch.WatchRecords.nearDuplicates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
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

  @Test
  void aCursorRoundTripsAndAnythingElseIsRefusedWithAReason() {
    for (AlertCursor c :
        List.of(
            new AlertCursor(1_733_000_000_123L, "0123456789abcdef0123456789abcdef"),
            new AlertCursor(-5, "pre:img-1:with:colons"),
            new AlertCursor(0, "é ünïcode / ?&="))) {
      String text = c.encode();
      assertThat(text).matches("[A-Za-z0-9_-]+"); // safe in a query string as it is
      assertThat(AlertCursor.decode(text)).isEqualTo(c);
    }
    for (String bad :
        List.of(
            "",
            " ",
            "not base64!",
            b64("no-colon"),
            b64("12:"),
            b64(":id"),
            b64("twelve:id"),
            b64("99999999999999999999:id"),
            "A".repeat(AlertCursor.MAX_LENGTH + 1))) {
      assertThatThrownBy(() -> AlertCursor.decode(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageMatching("is .+");
    }
  }

  @Test
  void pagesWalkTheHistoryNewestFirstWithoutGapsOrDuplicatesWhileAlertsArrive() {
    AlertFeed feed = new AlertFeed(1000, 10, 100_000);
    List<Alert> held = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      held.add(alert("a" + i, "w", 10_000 + i / 3 * 10)); // three alerts per match time
    }
    Collections.shuffle(held, new Random(7)); // arrival order is not match order
    held.forEach(feed::publish);
    feed.publish(alert("other", "v", 10_100)); // another watch's alerts stay out

    List<String> walked = new ArrayList<>();
    AlertCursor before = null;
    int pages = 0;
    int late = 0;
    do {
      AlertFeed.AlertPage page = feed.page("w", before, null, null, 7);
      assertThat(feed.page("w", before, null, null, 7)).isEqualTo(page); // repeatable
      page.alerts().forEach(a -> walked.add(a.getAlertId()));
      before = page.next();
      pages++;
      // while the client pages: newer alerts, replays of held ids, and one late older alert
      feed.publish(alert("new" + pages, "w", 20_000 + pages));
      feed.publish(alert("a" + pages, "w", 30_000)); // a replay (same id), dropped
      if (pages == 3) {
        feed.publish(alert("late", "w", 10_005)); // older than the cursor: on a later page
        late++;
      }
      if (before != null) {
        AlertFeed.AlertPage again = feed.page("w", before, null, null, 7);
        assertThat(again.alerts()).doesNotContainAnyElementsOf(page.alerts());
      }
    } while (before != null);

    held.add(alert("late", "w", 10_005));
    List<String> expected =
        held.stream()
            .sorted(Comparator.comparing(AlertCursor::of).reversed())
            .map(Alert::getAlertId)
            .toList();
    assertThat(late).isEqualTo(1);
    assertThat(walked).containsExactlyElementsOf(expected); // no gap, no duplicate, in order
    assertThat(new HashSet<>(walked)).hasSize(61);
    assertThat(pages).isEqualTo(9); // 61 alerts, 7 a page
    // the first page now starts with what arrived meanwhile
    assertThat(feed.page("w", null, null, null, 1).alerts())
        .extracting(Alert::getAlertId)
        .containsExactly("new9");
  }

  @Test
  void sinceAndUntilBoundTheMatchTimeAndCombineWithTheCursor() {
    AlertFeed feed = new AlertFeed(100, 10, 100);
    for (int t = 1; t <= 10; t++) {
      feed.publish(alert("t" + t, "w", t * 100L));
    }
    assertThat(ids(feed.page("w", null, 300L, 700L, 10))).containsExactly("t6", "t5", "t4", "t3");
    AlertFeed.AlertPage first = feed.page("w", null, 300L, 700L, 2);
    assertThat(ids(first)).containsExactly("t6", "t5");
    AlertFeed.AlertPage second = feed.page("w", first.next(), 300L, 700L, 2);
    assertThat(ids(second)).containsExactly("t4", "t3");
    assertThat(second.next()).isNull(); // t2 is before since
    assertThat(ids(feed.page("w", first.next(), null, 1000L, 10)))
        .containsExactly("t4", "t3", "t2", "t1"); // the cursor is the tighter bound
    assertThat(ids(feed.page("w", null, null, 100L, 10))).isEmpty(); // until is exclusive
    assertThat(ids(feed.page("w", null, 1000L, null, 10))).containsExactly("t10");
    // a full last page has no cursor; one alert more gives one
    assertThat(feed.page("w", null, null, null, 10).next()).isNull();
    assertThat(feed.page("w", null, null, null, 9).next()).isEqualTo(new AlertCursor(200, "t2"));
    assertThat(feed.page("none", null, null, null, 10))
        .isEqualTo(new AlertFeed.AlertPage(List.of(), null));
  }

  @Test
  void theBoundKeepsTheNewestByMatchTimeAndTheHistoryDeDuplicatesBeyondTheWindow() {
    AlertFeed feed = new AlertFeed(3, 10, 1); // a one-id window: the history de-duplicates
    for (long t : new long[] {500, 100, 900, 300}) {
      assertThat(feed.publish(alert("t" + t, "w", t))).isTrue();
    }
    assertThat(ids(feed.page("w", null, null, null, 10))).containsExactly("t900", "t500", "t300");
    assertThat(feed.publish(alert("t50", "w", 50))).isTrue(); // new, but older than all held
    assertThat(ids(feed.page("w", null, null, null, 10))).containsExactly("t900", "t500", "t300");
    assertThat(feed.publish(alert("t900", "w", 950))).isFalse(); // held id, replayed later
    assertThat(feed.publish(alert("t300", "w", 300))).isFalse();
    assertThat(feed.sizes()).containsEntry("w", 3);
    assertThat(feed.received()).isEqualTo(5);
    // the count is of distinct alerts, also those the bound dropped; the time is the newest match
    assertThat(feed.stats("w")).isEqualTo(new AlertFeed.WatchStats(5, 900));
    assertThat(feed.stats("none")).isEqualTo(new AlertFeed.WatchStats(0, -1));
    feed.forget("w");
    assertThat(feed.stats("w").alerts()).isZero();
  }

  @Test
  void theBacklogRebuildsTheHistoryWithoutReachingTheSubscribers() {
    AlertFeed feed = new AlertFeed(10, 10, 100);
    List<String> live = new ArrayList<>();
    feed.subscribe(a -> live.add(a.getAlertId()));
    assertThat(feed.caughtUp()).isFalse();
    KafkaWatches.publish(feed, record(5, alert("old", "w", 100)), true);
    assertThat(feed.restore(alert("old", "w", 100))).isFalse(); // de-duplicated as well
    feed.markCaughtUp();
    KafkaWatches.publish(feed, record(6, alert("new", "w", 200)), false);
    KafkaWatches.publish(feed, record(7, alert("old", "w", 100)), false); // a replay
    assertThat(feed.caughtUp()).isTrue();
    assertThat(live).containsExactly("new");
    assertThat(ids(feed.page("w", null, null, null, 10))).containsExactly("new", "old");
  }

  private static ConsumerRecord<String, byte[]> record(long offset, Alert a) {
    byte[] value = dev.imgsearch.schemas.Topics.ALERTS.valueSerde().serializer().serialize("a", a);
    return new ConsumerRecord<>("a", 0, offset, a.getAlertId(), value);
  }

  private static List<String> ids(AlertFeed.AlertPage page) {
    return page.alerts().stream().map(Alert::getAlertId).toList();
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
