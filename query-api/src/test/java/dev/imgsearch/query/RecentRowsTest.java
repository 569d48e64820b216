package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentRowsTest {

  /**
   * A store that answers a bounded scan with the OLDEST matching rows (the worst case for "newest
   * first").
   */
  private static final class Rows implements RecentRows.Scan {
    final List<SearchHit> rows = new ArrayList<>();
    final AtomicInteger scans = new AtomicInteger();

    Rows add(String source, long capturedAt) {
      rows.add(
          new SearchHit(
              String.format("%032x", rows.size()),
              0f,
              "b",
              "k" + rows.size(),
              source,
              capturedAt,
              List.of()));
      return this;
    }

    @Override
    public List<SearchHit> scan(SearchFilter filter, int k) {
      scans.incrementAndGet();
      return rows.stream()
          .filter(r -> filter.matches(r.source(), r.capturedAtMillis(), List.of()))
          .sorted(Comparator.comparingLong(SearchHit::capturedAtMillis))
          .limit(k)
          .toList();
    }

    List<Long> newestTimes(SearchFilter filter, int limit) {
      return rows.stream()
          .filter(r -> filter.matches(r.source(), r.capturedAtMillis(), List.of()))
          .map(SearchHit::capturedAtMillis)
          .sorted(Comparator.reverseOrder())
          .limit(limit)
          .toList();
    }
  }

  private static List<Long> times(RecentRows.Listing listing) {
    return listing.rows().stream().map(SearchHit::capturedAtMillis).toList();
  }

  @Test
  void aWindowSmallerThanTheScanIsListedNewestFirstInOneScan() {
    Rows rows = new Rows().add("a", 5).add("a", 9).add("b", 7).add("a", 1).add("a", 9);

    RecentRows.Listing listing = RecentRows.newest(rows, SearchFilter.NONE, 3, 100);

    assertThat(times(listing)).containsExactly(9L, 9L, 7L);
    assertThat(listing.rows().get(0).id()).isLessThan(listing.rows().get(1).id()); // ties by id
    assertThat(listing.complete()).isTrue();
    assertThat(rows.scans.get()).isEqualTo(1);
  }

  @Test
  void aWindowFullerThanTheScanStillYieldsExactlyTheNewestRows() {
    Rows rows = new Rows();
    for (int i = 0; i < 5000; i++) {
      rows.add(i % 3 == 0 ? "a" : "b", 1_700_000_000_000L + i * 997L % 3_600_000L);
    }
    SearchFilter onlyA = new SearchFilter(Set.of("a"), null, null, Set.of());

    RecentRows.Listing listing = RecentRows.newest(rows, onlyA, 10, 100);

    assertThat(times(listing)).containsExactlyElementsOf(rows.newestTimes(onlyA, 10));
    assertThat(listing.rows()).allSatisfy(r -> assertThat(r.source()).isEqualTo("a"));
    assertThat(listing.complete()).isTrue();
    assertThat(rows.scans.get())
        .isLessThan(1 + 2 * RecentRows.MAX_BISECTIONS + RecentRows.MAX_BISECTIONS);
  }

  @Test
  void theCallersTimeBoundsAreKept() {
    Rows rows = new Rows();
    for (int i = 0; i < 1000; i++) {
      rows.add("a", i);
    }
    SearchFilter window = new SearchFilter(Set.of(), 100L, 600L, Set.of());

    RecentRows.Listing listing = RecentRows.newest(rows, window, 5, 50);

    assertThat(times(listing)).containsExactly(599L, 598L, 597L, 596L, 595L);
  }

  @Test
  void moreRowsInOneMillisecondThanAScanAreFlaggedNotLooped() {
    Rows rows = new Rows();
    for (int i = 0; i < 300; i++) {
      rows.add("a", 42);
    }
    rows.add("a", 10);

    RecentRows.Listing listing = RecentRows.newest(rows, SearchFilter.NONE, 5, 100);

    assertThat(listing.complete()).isFalse();
    assertThat(times(listing)).containsOnly(42L).hasSize(5);
  }

  @Test
  void limitMustLeaveRoomInTheScan() {
    assertThatThrownBy(() -> RecentRows.newest(new Rows(), SearchFilter.NONE, 100, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecentRows.newest(new Rows(), SearchFilter.NONE, 0, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsPerIntervalAreExactWhenTheWindowFitsTheScan() {
    Rows rows =
        new Rows()
            .add("a", 0)
            .add("a", 59_999)
            .add("a", 60_000)
            .add("b", 61_000)
            .add("a", 179_999)
            .add("a", 180_000);
    SearchFilter onlyA = new SearchFilter(Set.of("a"), null, null, Set.of());

    RecentRows.Counts counts = RecentRows.count(rows, onlyA, 0, 180_000, 60_000, 100);

    assertThat(counts.counts()).containsExactly(2, 1, 1);
    assertThat(counts.complete()).isTrue();
    assertThat(counts.fromMillis()).isZero();
  }

  @Test
  void countsOfAWindowFullerThanTheScanSayTheyAreLowerBounds() {
    Rows rows = new Rows();
    for (int i = 0; i < 150; i++) {
      rows.add("a", i * 1000L);
    }

    RecentRows.Counts counts = RecentRows.count(rows, SearchFilter.NONE, 0, 180_000, 60_000, 100);

    assertThat(counts.complete()).isFalse();
    assertThat(counts.counts()[0] + counts.counts()[1] + counts.counts()[2]).isEqualTo(100);

    RecentRows.Counts exact = RecentRows.count(rows, SearchFilter.NONE, 0, 180_000, 60_000, 151);
    assertThat(exact.counts()).containsExactly(60, 60, 30);
    assertThat(exact.complete()).isTrue();
  }

  @Test
  void countRejectsAWindowThatIsNotWholeIntervals() {
    assertThatThrownBy(
            () -> RecentRows.count(new Rows(), SearchFilter.NONE, 0, 90_000, 60_000, 100))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RecentRows.count(new Rows(), SearchFilter.NONE, 10, 10, 60_000, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
