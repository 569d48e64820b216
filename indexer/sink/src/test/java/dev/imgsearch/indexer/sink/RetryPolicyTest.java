package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30));
  private static final RuntimeException UNAVAILABLE =
      new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE: io exception");

  @Test
  void backoffDoublesUpToTheCap() {
    assertThat(
            List.of(1, 2, 3, 4, 5, 6, 40).stream()
                .map(POLICY::backoff)
                .map(Duration::toMillis)
                .toList())
        .containsExactly(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
    assertThatThrownBy(() -> POLICY.backoff(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transientErrorsAreRecognisedThroughWrappers() {
    assertThat(RetryPolicy.isTransient(UNAVAILABLE)).isTrue();
    assertThat(RetryPolicy.isTransient(new MilvusClientException(ErrorCode.TIMEOUT, "deadline")))
        .isTrue();
    assertThat(RetryPolicy.isTransient(serverError("rate limit exceeded[rate=10]"))).isTrue();
    assertThat(RetryPolicy.isTransient(serverError("service not ready"))).isTrue();
    assertThat(RetryPolicy.isTransient(new RuntimeException("Milvus upsert failed", UNAVAILABLE)))
        .isTrue();
    assertThat(RetryPolicy.isTransient(serverError("collection not loaded[collection=4709258]")))
        .as("a collection the restarted server has not reloaded yet")
        .isTrue();
    assertThat(
            RetryPolicy.isTransient(new RuntimeException(new java.net.ConnectException("refused"))))
        .isTrue();
  }

  @Test
  void permanentErrorsAreNot() {
    assertThat(RetryPolicy.isTransient(new IllegalArgumentException("vector has dimension 3")))
        .isFalse();
    assertThat(
            RetryPolicy.isTransient(
                new MilvusClientException(ErrorCode.INVALID_PARAMS, "bad field")))
        .isFalse();
    assertThat(RetryPolicy.isTransient(serverError("collection not found"))).isFalse();
    assertThat(
            RetryPolicy.isTransient(
                new UncheckedIOException(new java.io.IOException("No space left on device"))))
        .isFalse();
    assertThat(RetryPolicy.isTransient(new RuntimeException("unavailable")))
        .as("only known client errors")
        .isFalse();
  }

  /**
   * Issue #6: the default outlasts Milvus stopped for 30 s plus its restart (≈ 5–10 s) with room to
   * spare, and the error the SDK raises while the server is gone (seen in {@code MilvusOutageIT})
   * is transient.
   */
  @Test
  void defaultPolicyOutlastsAThirtySecondOutageAndItsRestart() {
    RuntimeException serverGone =
        new RuntimeException(
            "Milvus delete on collection 'c' failed",
            serverError(
                "empty grpc client: failed to connect 192.0.2.2:53100, reason: connection error: desc = \"transport:"
                    + " error while dialing: dial tcp 192.0.2.2:53100: connect: connection refused\""));
    assertThat(RetryPolicy.isTransient(serverGone)).isTrue();
    // simulate a store down for 45 s: every attempt fails at once, the waits follow the policy
    Duration elapsed = Duration.ZERO;
    int failed = 0;
    while (elapsed.compareTo(Duration.ofSeconds(45)) < 0) {
      failed++;
      var wait = RetryPolicy.DEFAULT.retryAfter(serverGone, failed, elapsed);
      assertThat(wait).as("still retrying after %s", elapsed).isPresent();
      assertThat(wait.get()).isLessThanOrEqualTo(Duration.ofSeconds(5));
      elapsed = elapsed.plus(wait.get());
    }
    assertThat(failed).as("attempts in 45 s").isBetween(10, 20);
    assertThat(RetryPolicy.DEFAULT.maxElapsed()).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void retryAfterGivesUpOnPermanentErrorsAndPastTheDeadline() {
    assertThat(POLICY.retryAfter(UNAVAILABLE, 1, Duration.ZERO)).contains(Duration.ofMillis(100));
    assertThat(POLICY.retryAfter(UNAVAILABLE, 3, Duration.ofSeconds(1)))
        .contains(Duration.ofMillis(400));
    assertThat(POLICY.retryAfter(UNAVAILABLE, 9, Duration.ofSeconds(29))).isEmpty();
    assertThat(POLICY.retryAfter(new IllegalArgumentException("x"), 1, Duration.ZERO)).isEmpty();
    assertThat(RetryPolicy.NONE.retryAfter(UNAVAILABLE, 1, Duration.ZERO)).isEmpty();
  }

  @Test
  void retrierRepeatsTransientFailuresWithBackoffThenSucceeds() throws Exception {
    AtomicLong now = new AtomicLong();
    List<Long> waits = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger notified = new AtomicInteger();
    Retrier retrier =
        new Retrier(
            POLICY,
            now::get,
            d -> {
              waits.add(d.toMillis());
              now.addAndGet(d.toNanos());
            },
            (op, n, wait, e) -> notified.incrementAndGet());

    retrier.run(
        "upsert",
        () -> {
          if (calls.incrementAndGet() <= 3) {
            throw UNAVAILABLE;
          }
        });

    assertThat(calls).hasValue(4);
    assertThat(waits).containsExactly(100L, 200L, 400L);
    assertThat(notified).hasValue(3);
  }

  @Test
  void retrierRethrowsTheLastErrorWhenTheDeadlinePasses() {
    AtomicLong now = new AtomicLong();
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier =
        new Retrier(POLICY, now::get, d -> now.addAndGet(d.toNanos()), (op, n, wait, e) -> {});

    assertThatThrownBy(() -> retrier.run("upsert", counted(calls, UNAVAILABLE)))
        .isSameAs(UNAVAILABLE);
    // Waits 100, 200, 400, 800, 1600 ms (3.1 s), then 13 × 2 s (29.1 s); one more would end past 30
    // s.
    assertThat(calls).hasValue(5 + 13 + 1);
    assertThat(now.get()).isLessThanOrEqualTo(Duration.ofSeconds(30).toNanos());
  }

  @Test
  void retrierDoesNotRetryPermanentErrors() {
    AtomicInteger calls = new AtomicInteger();
    Retrier retrier = new Retrier(POLICY, System::nanoTime, d -> {}, (op, n, wait, e) -> {});
    IllegalArgumentException bad = new IllegalArgumentException("bad");
    assertThatThrownBy(() -> retrier.run("upsert", counted(calls, bad))).isSameAs(bad);
    assertThat(calls).hasValue(1);
  }

  private static MilvusClientException serverError(String message) {
    return new MilvusClientException(ErrorCode.SERVER_ERROR, message);
  }

  /** A call that counts itself in {@code calls} and throws {@code error}. */
  private static Runnable counted(AtomicInteger calls, RuntimeException error) {
    return () -> {
      calls.incrementAndGet();
      throw error;
    };
  }
}
