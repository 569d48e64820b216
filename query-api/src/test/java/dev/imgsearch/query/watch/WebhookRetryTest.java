package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.query.watch.WebhookRetry.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookRetryTest {
  @Test
  void statusesMapToOutcomes() {
    assertThat(WebhookRetry.ofStatus(200)).isEqualTo(Outcome.DELIVERED);
    assertThat(WebhookRetry.ofStatus(204)).isEqualTo(Outcome.DELIVERED);
    assertThat(WebhookRetry.ofStatus(500)).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(WebhookRetry.ofStatus(503)).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(WebhookRetry.ofStatus(429)).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(WebhookRetry.ofStatus(408)).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(WebhookRetry.ofStatus(400)).isEqualTo(Outcome.REJECTED);
    assertThat(WebhookRetry.ofStatus(404)).isEqualTo(Outcome.REJECTED);
    assertThat(WebhookRetry.ofStatus(302))
        .as("redirects are not followed")
        .isEqualTo(Outcome.REJECTED);
  }

  @Test
  void transientFailuresRetryUpToTheLastAttemptAndRefusalsNever() {
    assertThat(WebhookRetry.retries(Outcome.UNAVAILABLE, 1, 3)).isTrue();
    assertThat(WebhookRetry.retries(Outcome.TIMEOUT, 2, 3)).isTrue();
    assertThat(WebhookRetry.retries(Outcome.CONNECTION, 3, 3)).isFalse();
    assertThat(WebhookRetry.retries(Outcome.REJECTED, 1, 3)).isFalse();
    assertThat(WebhookRetry.retries(Outcome.DELIVERED, 1, 3)).isFalse();
    assertThat(WebhookRetry.retries(Outcome.UNAVAILABLE, 1, 1)).isFalse();
  }

  @Test
  void backoffDoublesFromHalfASecondUpTo30Seconds() {
    assertThat(WebhookRetry.backoff(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(WebhookRetry.backoff(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(WebhookRetry.backoff(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(WebhookRetry.backoff(7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(WebhookRetry.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> WebhookRetry.backoff(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePollIntervalCoversEverySenderRetryingToTheEnd() {
    WebhookSettings s = new WebhookSettings(java.util.Set.of("h"), "k", 5, Duration.ofSeconds(30));
    // 5 × 60 s + 0.5+1+2+4 s = 307.5 s per alert, 16 rounds (64 records / 8 senders × 2)
    assertThat(WebhookDispatcher.maxPollInterval(s)).isEqualTo(Duration.ofMillis(307_500 * 16));
    WebhookSettings quick =
        new WebhookSettings(java.util.Set.of("h"), "k", 1, Duration.ofSeconds(1));
    assertThat(WebhookDispatcher.maxPollInterval(quick))
        .as("floor")
        .isEqualTo(Duration.ofMinutes(5));
  }
}
