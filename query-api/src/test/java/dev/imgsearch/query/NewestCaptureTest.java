package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NewestCaptureTest {

  /** A store that answers with the oldest row at or after the bound: the least helpful answer. */
  private static NewestCapture.Probe oldestFirst(List<Long> times, AtomicInteger calls) {
    TreeSet<Long> sorted = new TreeSet<>(times);
    return from -> {
      calls.incrementAndGet();
      Long t = sorted.ceiling(from);
      return t == null ? OptionalLong.empty() : OptionalLong.of(t);
    };
  }

  /**
   * Over {@link #oldestFirst} rows at {@code times}, the search (at most 128 calls) finds {@code
   * newest} within {@code maxCalls} store calls.
   */
  private static void assertFindsAgainstOldestFirst(List<Long> times, long newest, int maxCalls) {
    AtomicInteger calls = new AtomicInteger();
    assertThat(NewestCapture.find(oldestFirst(times, calls), 128)).hasValue(newest);
    assertThat(calls.get()).isLessThanOrEqualTo(maxCalls);
  }

  @Test
  void emptyStoreHasNoNewest() {
    assertThat(NewestCapture.find(from -> OptionalLong.empty(), 100)).isEmpty();
  }

  @Test
  void findsTheNewestToTheMillisecond() {
    List<Long> times =
        List.of(0L, 1_700_000_000_123L, 1_700_000_000_124L, -5_000L, 1_600_000_000_000L);

    assertFindsAgainstOldestFirst(times, 1_700_000_000_124L, 64);
  }

  @Test
  void handlesTheEndsOfTheRange() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(NewestCapture.find(oldestFirst(List.of(NewestCapture.MIN_MILLIS), calls), 128))
        .hasValue(NewestCapture.MIN_MILLIS);
    assertThat(NewestCapture.find(oldestFirst(List.of(NewestCapture.MAX_MILLIS - 1), calls), 128))
        .hasValue(NewestCapture.MAX_MILLIS - 1);
  }

  @Test
  void aStoreThatReturnsNewRowsConvergesFast() {
    long newest = 1_732_000_000_000L;
    AtomicInteger calls = new AtomicInteger();
    // returns the newest row whenever any qualifies
    NewestCapture.Probe helpful =
        from -> {
          calls.incrementAndGet();
          return from <= newest ? OptionalLong.of(newest) : OptionalLong.empty();
        };

    assertThat(NewestCapture.find(helpful, 128)).hasValue(newest);
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void aStoreReturningBarelyNewerRowsIsBoundedByBisection() {
    List<Long> times = new java.util.ArrayList<>();
    for (long t = 0; t < 100_000; t++) {
      times.add(t * 1000);
    }

    assertFindsAgainstOldestFirst(times, 99_999_000L, 128);
  }

  @Test
  void boundsTheNumberOfStoreCalls() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> NewestCapture.find(oldestFirst(List.of(1L, 2L, 1_000_000L), calls), 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("newest capture time not found within 3 store calls");
    // exactly the bound: the probe that would exceed it is never sent
    assertThat(calls.get()).isEqualTo(3);
  }
}
