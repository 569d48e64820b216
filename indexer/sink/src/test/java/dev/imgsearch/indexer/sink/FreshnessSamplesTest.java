package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessSamplesTest {
  @Test
  void drainsTheAgeOfEveryNotedChangeOnceAndSkipsChangesWithoutAnEventTime() {
    FreshnessSamples s = new FreshnessSamples(10, 1);
    s.written(IndexAction.delete("a", 1_000));
    s.written(IndexAction.delete("b", 0));
    s.written(IndexAction.delete("c", -5));
    s.written(IndexAction.delete("d", 4_000));
    assertThat(s.pending()).isEqualTo(2);
    List<Long> ages = new ArrayList<>();
    assertThat(s.drain(5_000, ages::add)).isEqualTo(2);
    assertThat(ages).containsExactly(4_000L, 1_000L);
    ages.clear();
    assertThat(s.drain(6_000, ages::add)).isZero();
    assertThat(ages).isEmpty();
  }

  @Test
  void anEventTimeAfterNowCountsAsZeroNotNegative() {
    FreshnessSamples s = new FreshnessSamples(4, 1);
    s.written(IndexAction.delete("a", 5_300)); // object store clock 300 ms ahead of the task's
    List<Long> ages = new ArrayList<>();
    s.drain(5_000, ages::add);
    assertThat(ages).containsExactly(0L);
  }

  @Test
  void keepsAUniformBoundedSampleWhenMoreChangesArriveThanItsCapacity() {
    FreshnessSamples s = new FreshnessSamples(1_000, 7);
    // 100 000 changes, event times 1..100 000: ages now - t uniform over 0..99 999
    for (int t = 1; t <= 100_000; t++) {
      s.written(IndexAction.delete("id", t));
    }
    List<Long> ages = new ArrayList<>();
    assertThat(s.drain(100_001, ages::add)).isEqualTo(100_000);
    assertThat(ages).hasSize(1_000).allMatch(a -> a >= 1 && a <= 100_000);
    double mean = ages.stream().mapToLong(Long::longValue).average().orElseThrow();
    assertThat(mean)
        .as("a uniform sample, not the first or last 1 000")
        .isBetween(45_000.0, 55_000.0);
    long old = ages.stream().filter(a -> a > 90_000).count();
    assertThat(old).as("the oldest tenth is represented").isBetween(60L, 140L);
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new FreshnessSamples(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
