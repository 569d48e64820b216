package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListingParamsTest {

  private static final long NOW = Instant.parse("2024-05-01T12:34:56.789Z").toEpochMilli();

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private static void rejected(Runnable parse, String messagePart) {
    assertThatThrownBy(parse::run)
        .isInstanceOfSatisfying(
            InvalidQueryException.class,
            e -> assertThat(e.code()).isEqualTo(InvalidQueryException.INVALID_PARAMETER))
        .hasMessageContaining(messagePart);
  }

  @Test
  void listingDefaultsAndFilters() {
    ListingParams.Listing none = ListingParams.listing(Map.of());
    assertThat(none.limit()).isEqualTo(ListingParams.DEFAULT_LIMIT);
    assertThat(none.filter().isEmpty()).isTrue();

    ListingParams.Listing p =
        ListingParams.listing(
            Map.of(
                "source",
                List.of("cam-1,cam-2"),
                "from",
                List.of("2024-05-01T00:00:00Z"),
                "limit",
                List.of("7"),
                "order",
                List.of("newest")));
    assertThat(p.limit()).isEqualTo(7);
    assertThat(p.filter().sources()).containsExactlyInAnyOrder("cam-1", "cam-2");
    assertThat(p.filter().fromMillis()).isEqualTo(millis("2024-05-01T00:00:00Z"));
  }

  @Test
  void listingRejectsBadValues() {
    rejected(() -> ListingParams.listing(Map.of("limit", List.of("0"))), "limit");
    rejected(() -> ListingParams.listing(Map.of("limit", List.of("501"))), "limit");
    rejected(() -> ListingParams.listing(Map.of("limit", List.of("ten"))), "limit");
    rejected(() -> ListingParams.listing(Map.of("limit", List.of("1", "2"))), "at most once");
    rejected(() -> ListingParams.listing(Map.of("order", List.of("oldest"))), "order");
    rejected(() -> ListingParams.listing(Map.of("from", List.of("yesterday"))), "from");
    rejected(() -> ListingParams.listing(Map.of("source", List.of("a'b"))), "source");
    rejected(
        () ->
            ListingParams.listing(
                Map.of(
                    "from",
                    List.of("2024-05-02T00:00:00Z"),
                    "to",
                    List.of("2024-05-01T00:00:00Z"))),
        "before");
  }

  @Test
  void timelineDefaultsToTheLastHourPerMinuteEndingWithTheCurrentMinute() {
    ListingParams.Timeline t = ListingParams.timeline(Map.of(), NOW);

    assertThat(t.intervalMillis()).isEqualTo(60_000);
    assertThat(t.toMillis()).isEqualTo(millis("2024-05-01T12:35:00Z"));
    assertThat(t.fromMillis()).isEqualTo(millis("2024-05-01T11:35:00Z"));
    assertThat(t.filter().fromMillis()).isEqualTo(t.fromMillis());
    assertThat(t.filter().toMillis()).isEqualTo(t.toMillis());
  }

  @Test
  void timelineExtendsAPartialFirstIntervalAndKeepsTheFilters() {
    ListingParams.Timeline t =
        ListingParams.timeline(
            Map.of(
                "from",
                List.of("2024-05-01T10:00:30Z"),
                "to",
                List.of("2024-05-01T10:10:00Z"),
                "interval",
                List.of("120"),
                "tags",
                List.of("night")),
            NOW);

    assertThat(t.fromMillis()).isEqualTo(millis("2024-05-01T10:00:00Z"));
    assertThat(t.toMillis() - t.fromMillis()).isEqualTo(5 * 120_000);
    assertThat(t.filter().tags()).containsExactly("night");
  }

  @Test
  void timelineRejectsBadValues() {
    rejected(() -> ListingParams.timeline(Map.of("interval", List.of("0")), NOW), "interval");
    rejected(() -> ListingParams.timeline(Map.of("interval", List.of("86401")), NOW), "interval");
    rejected(() -> ListingParams.timeline(Map.of("interval", List.of("x")), NOW), "interval");
    rejected(
        () ->
            ListingParams.timeline(
                Map.of(
                    "from", List.of("2024-04-01T00:00:00Z"), "to", List.of("2024-05-01T00:00:00Z")),
                NOW),
        "at most " + ListingParams.MAX_INTERVALS);
    // an explicit from after the defaulted end
    rejected(
        () -> ListingParams.timeline(Map.of("from", List.of("2030-01-01T00:00:00Z")), NOW),
        "before");
  }
}
