package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CooldownTest {

  @Test
  void theFirstMatchAlwaysAlerts() {
    assertThat(Cooldown.allows(null, 1_000L, 60_000L)).isTrue();
  }

  @Test
  void matchesWithinTheWindowEitherSideAreSuppressed() {
    long last = 1_000_000L;
    assertThat(Cooldown.allows(last, last, 60_000L)).isFalse();
    assertThat(Cooldown.allows(last, last + 59_999L, 60_000L)).isFalse();
    assertThat(Cooldown.allows(last, last - 59_999L, 60_000L))
        .as("a late frame from before the alert")
        .isFalse();
    assertThat(Cooldown.allows(last, last + 60_000L, 60_000L)).isTrue();
    assertThat(Cooldown.allows(last, last - 60_000L, 60_000L)).isTrue();
  }

  @Test
  void noCooldownAlertsEveryMatch() {
    assertThat(Cooldown.allows(5L, 5L, 0L)).isTrue();
  }
}
