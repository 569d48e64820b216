package dev.imgsearch.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FreshnessTrackerTest {
  private static final long MS = 1_000_000L;

  @Test
  void chunksCoverEveryItemOnceInOrder() {
    List<Integer> items = IntStream.range(0, 130).boxed().toList();
    List<List<Integer>> chunks = FreshnessTracker.chunks(items, 64);
    assertThat(chunks).extracting(List::size).containsExactly(64, 64, 2);
    assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
    assertThat(FreshnessTracker.chunks(List.of(), 64)).isEmpty();
    assertThat(FreshnessTracker.chunks(List.of(1, 2), 2)).containsExactly(List.of(1, 2));
    assertThatThrownBy(() -> FreshnessTracker.chunks(List.of(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneCheckPerChunkPerSweepAndLatencyFromPutToTheAnswer() throws Exception {
    AtomicLong clock = new AtomicLong(1_000 * MS);
    Set<String> indexed = new HashSet<>();
    List<Integer> batchSizes = new ArrayList<>();
    FreshnessTracker.VisibilityCheck check =
        batch -> {
          synchronized (batchSizes) {
            batchSizes.add(batch.size());
          }
          return batch.stream()
              .map(FreshnessTracker.Pending::id)
              .filter(indexed::contains)
              .collect(Collectors.toSet());
        };
    try (FreshnessTracker tracker =
        new FreshnessTracker(check, Duration.ofMillis(20), clock::get, false)) {
      for (int i = 0; i < 100; i++) {
        tracker.uploaded("id" + i, "src" + i, clock.get());
      }
      assertThat(tracker.maxPending()).isEqualTo(100);

      clock.addAndGet(150 * MS);
      assertThat(tracker.sweep()).isZero(); // nothing indexed yet
      assertThat(batchSizes).containsExactlyInAnyOrder(64, 36);

      for (int i = 0; i < 70; i++) {
        indexed.add("id" + i);
      }
      clock.addAndGet(100 * MS); // the sweep that sees them answers 250 ms after the PUTs
      assertThat(tracker.sweep()).isEqualTo(70);
      assertThat(tracker.pending()).isEqualTo(30);
      assertThat(tracker.checks()).isEqualTo(4);
      assertThat(tracker.drainLatencies()).hasSize(70).allMatch(ms -> ms == 250.0);
      assertThat(tracker.seen()).isEqualTo(70);
      assertThat(tracker.lastSeenNanos()).isEqualTo(clock.get());

      batchSizes.clear();
      assertThat(tracker.sweep()).isZero();
      assertThat(batchSizes).containsExactly(30); // confirmed images are not asked about again
      assertThat(tracker.drainLatencies()).isEmpty();
      assertThat(tracker.drainSweepMillis()).hasSize(3);
      tracker.resetMaxPending();
      assertThat(tracker.maxPending()).isEqualTo(30);
      assertThat(tracker.errors()).isZero();
    }
  }

  @Test
  void aFailedCheckIsCountedAndItsImagesStayPending() throws Exception {
    AtomicLong clock = new AtomicLong();
    FreshnessTracker.VisibilityCheck failing =
        batch -> {
          throw new IllegalStateException("search answered 503");
        };
    try (FreshnessTracker tracker =
        new FreshnessTracker(failing, Duration.ofMillis(20), clock::get, false)) {
      tracker.uploaded("a", "a", 0);
      assertThat(tracker.sweep()).isZero();
      assertThat(tracker.errors()).isEqualTo(1);
      assertThat(tracker.pending()).isEqualTo(1);
      assertThat(tracker.sweep())
          .isZero(); // an empty sweep would not call the check; this one does
      assertThat(tracker.errors()).isEqualTo(2);
    }
  }

  @Test
  void theSweeperThreadConfirmsByItself() throws Exception {
    try (FreshnessTracker tracker =
        new FreshnessTracker(
            batch -> batch.stream().map(FreshnessTracker.Pending::id).collect(Collectors.toSet()),
            Duration.ofMillis(5))) {
      tracker.uploaded("x", "x", System.nanoTime());
      assertThat(tracker.awaitEmpty(Duration.ofSeconds(10), () -> {})).isTrue();
      assertThat(tracker.drainLatencies()).hasSize(1);
    }
  }

  @Test
  void searchRequestFiltersOnTheBatchSources() throws Exception {
    List<FreshnessTracker.Pending> batch =
        List.of(
            new FreshnessTracker.Pending("i1", "bench/a.jpg", 0),
            new FreshnessTracker.Pending("i2", "bench/b.jpg", 0));
    String body = SearchVisibilityCheck.body(batch, 4);
    assertThat(body)
        .isEqualTo("{\"vector\":[1,1,1,1],\"k\":2,\"source\":[\"bench/a.jpg\",\"bench/b.jpg\"]}");
    assertThat(
            ConstantVectorSearch.resultIds(
                "{\"results\":[{\"id\":\"i2\",\"score\":0.1}],\"offset\":0}"))
        .containsExactly("i2");
    assertThat(ConstantVectorSearch.resultIds("{\"results\":[]}")).isEmpty();
  }
}
