package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

  @Test
  void delayDoublesFromTheFirstWaitUpToTheCap() {
    Duration initial = Duration.ofMillis(100);
    Duration max = Duration.ofMillis(1000);
    assertThat(ExponentialBackoff.delay(initial, max, 1)).isEqualTo(Duration.ofMillis(100));
    assertThat(ExponentialBackoff.delay(initial, max, 2)).isEqualTo(Duration.ofMillis(200));
    assertThat(ExponentialBackoff.delay(initial, max, 4)).isEqualTo(Duration.ofMillis(800));
    assertThat(ExponentialBackoff.delay(initial, max, 5)).isEqualTo(max);
    assertThat(ExponentialBackoff.delay(initial, max, Integer.MAX_VALUE)).isEqualTo(max);
  }

  @Test
  void anAttemptBelowTwoWaitsTheFirstDelay() {
    Duration initial = Duration.ofMillis(100);
    assertThat(ExponentialBackoff.delay(initial, Duration.ofSeconds(1), 0)).isEqualTo(initial);
    assertThat(ExponentialBackoff.delay(initial, Duration.ofSeconds(1), -3)).isEqualTo(initial);
  }

  @Test
  void aHugeCapDoesNotOverflow() {
    Duration max = Duration.ofSeconds(Long.MAX_VALUE);
    assertThat(ExponentialBackoff.delay(Duration.ofSeconds(1), max, 70)).isEqualTo(max);
  }

  @Test
  void invalidBoundsAreRejectedWithTheCallersRule() {
    assertThatThrownBy(
            () ->
                ExponentialBackoff.requireValid(
                    Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, "need initial > 0: "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("need initial > 0: ");
  }
}
