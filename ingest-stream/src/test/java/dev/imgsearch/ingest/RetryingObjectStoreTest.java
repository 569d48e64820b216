package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTest {
  private final List<Duration> sleeps = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong();
  private final AtomicInteger retries = new AtomicInteger();
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2));

  private RetryingObjectStore failing(int failures, AtomicInteger calls) {
    ObjectStore store =
        (bucket, key, bytes, ct, meta) -> {
          if (calls.incrementAndGet() <= failures) {
            throw new IOException("connection refused");
          }
          return new ObjectStore.Written("etag-" + key, null);
        };
    return retrying(store);
  }

  /** {@code store} retried with {@link #backoff}, sleeping on the test's clock. */
  private RetryingObjectStore retrying(ObjectStore store) {
    return new RetryingObjectStore(
        store,
        backoff,
        d -> {
          sleeps.add(d);
          nanos.addAndGet(d.toNanos());
        },
        nanos::get,
        retries::incrementAndGet);
  }

  /** Writes a 1-byte JPEG to {@code b/k}. */
  private static ObjectStore.Written put(RetryingObjectStore store) {
    return store.put("b", "k", new byte[1], "image/jpeg", Map.of());
  }

  @Test
  void retriesWithBackoffUntilTheStoreAnswers() {
    AtomicInteger calls = new AtomicInteger();
    var written = put(failing(4, calls));
    assertThat(written.etag()).isEqualTo("etag-k");
    assertThat(calls).hasValue(5);
    assertThat(retries).hasValue(4);
    assertThat(sleeps).extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 400L);
  }

  @Test
  void givesUpWithObjectStoreUnavailableOnceTheBudgetIsUsed() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> put(failing(Integer.MAX_VALUE, calls)))
        .isInstanceOf(ObjectStoreUnavailableException.class)
        .hasMessageContaining("b/k")
        .hasCauseInstanceOf(IOException.class);
    long slept = sleeps.stream().mapToLong(Duration::toMillis).sum();
    assertThat(slept).isLessThanOrEqualTo(2000);
    assertThat(calls.get()).isEqualTo(sleeps.size() + 1);
  }

  private RetryingObjectStore throwing(Exception failure, AtomicInteger calls) {
    ObjectStore store =
        (bucket, key, bytes, ct, meta) -> {
          calls.incrementAndGet();
          throw failure;
        };
    return retrying(store);
  }

  @Test
  void aPermanentRefusalIsNotRetriedAndNamesTheS3ErrorCode() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                put(
                    throwing(
                        new ObjectStoreErrorResponse(400, "InvalidArgument", "bad header"), calls)))
        .isInstanceOf(ObjectStoreRejectedException.class)
        .hasMessageContaining("InvalidArgument")
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("b/k");
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void throttlingIsRetriedLikeAnOutage() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () -> put(throwing(new ObjectStoreErrorResponse(503, "SlowDown", "slow"), calls)))
        .isInstanceOf(ObjectStoreUnavailableException.class);
    assertThat(calls.get()).isGreaterThan(RetryingObjectStore.UNKNOWN_MAX_ATTEMPTS);
  }

  @Test
  void anUnknownFailureIsRetriedAFewTimesThenRefused() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> put(throwing(new IllegalStateException("odd"), calls)))
        .isInstanceOf(ObjectStoreRejectedException.class)
        .hasMessageContaining("odd")
        .hasMessageContaining(RetryingObjectStore.UNKNOWN_MAX_ATTEMPTS + " attempts");
    assertThat(calls).hasValue(RetryingObjectStore.UNKNOWN_MAX_ATTEMPTS);
    assertThat(retries).hasValue(RetryingObjectStore.UNKNOWN_MAX_ATTEMPTS - 1);
  }
}
