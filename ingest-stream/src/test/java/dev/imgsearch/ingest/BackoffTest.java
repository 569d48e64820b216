package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff b =
      new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(5));

  @Test
  void delaysDoubleUpToTheCap() {
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.delay(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(b.delay(500)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void retriesStopWhenTheBudgetIsUsed() {
    assertThat(b.allows(1, Duration.ZERO)).isTrue();
    assertThat(b.allows(9, Duration.ofMillis(4000))).isTrue();
    assertThat(b.allows(9, Duration.ofMillis(4001))).isFalse();
  }

  @Test
  void invalidBackoffsAreRejected() {
    assertThatThrownBy(
            () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
