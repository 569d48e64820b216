package dev.imgsearch.query.watch;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of webhook deliveries since start, for the metrics {@code imgsearch.webhooks.delivered}
 * (tag {@code attempts} = first | retried) and {@code imgsearch.webhooks.failed} (tag {@code
 * outcome} = the {@link WebhookRetry.Outcome} of the last attempt). Thread-safe.
 */
public final class WebhookStats {
  private final AtomicLong deliveredFirst = new AtomicLong();
  private final AtomicLong deliveredRetried = new AtomicLong();
  private final Map<WebhookRetry.Outcome, AtomicLong> failed =
      new EnumMap<>(WebhookRetry.Outcome.class);

  public WebhookStats() {
    for (WebhookRetry.Outcome o : WebhookRetry.Outcome.values()) {
      failed.put(o, new AtomicLong());
    }
  }

  /** Counts one alert delivered on attempt {@code attempt} (1-based). */
  public void countDelivered(int attempt) {
    (attempt == 1 ? deliveredFirst : deliveredRetried).incrementAndGet();
  }

  /** Counts one alert given up, its last attempt having ended with {@code last}. */
  public void countFailed(WebhookRetry.Outcome last) {
    failed.get(last).incrementAndGet();
  }

  /** Alerts delivered on the first attempt ({@code retried} false) or a later one. */
  public long delivered(boolean retried) {
    return (retried ? deliveredRetried : deliveredFirst).get();
  }

  /** Alerts given up with {@code last} as their last outcome. */
  public long failed(WebhookRetry.Outcome last) {
    return failed.get(last).get();
  }
}
