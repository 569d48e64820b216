package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.job.FetchErrors.Action;
import dev.imgsearch.embedder.job.FetchErrors.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchErrorsTest {
  @Test
  void aMissingObjectOrBucketIsMissing() {
    assertThat(FetchErrors.classify("NoSuchKey", 404, null)).isEqualTo(Kind.MISSING);
    assertThat(FetchErrors.classify("NoSuchBucket", 404, null)).isEqualTo(Kind.MISSING);
  }

  @Test
  void clientErrorsArePermanent() {
    assertThat(FetchErrors.classify("AccessDenied", 403, null)).isEqualTo(Kind.PERMANENT);
    assertThat(FetchErrors.classify("InvalidRequest", 400, null)).isEqualTo(Kind.PERMANENT);
    assertThat(FetchErrors.classify("XMinioInvalidObjectName", 400, null))
        .isEqualTo(Kind.PERMANENT);
    assertThat(FetchErrors.classify("InvalidBucketName", 0, null))
        .as("status unknown, code says it")
        .isEqualTo(Kind.PERMANENT);
    assertThat(FetchErrors.classify("KeyTooLongError", 400, null)).isEqualTo(Kind.PERMANENT);
    assertThat(
            FetchErrors.classify(
                null, 0, new IllegalArgumentException("bucket name does not follow rules")))
        .as("the SDK refuses the name before sending")
        .isEqualTo(Kind.PERMANENT);
  }

  @Test
  void throttlingServerErrorsAndTheNetworkAreTransient() {
    assertThat(FetchErrors.classify("SlowDown", 503, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify("TooManyRequests", 429, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify("RequestTimeout", 400, null))
        .as("S3 sends it as 400")
        .isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify("InternalError", 500, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify("XMinioServerNotInitialized", 503, null))
        .isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 502, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 408, null)).isEqualTo(Kind.TRANSIENT);
    // the job's credentials: every fetch would fail, so no record is dead-lettered for it
    assertThat(FetchErrors.classify("SignatureDoesNotMatch", 403, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify("InvalidAccessKeyId", 403, null)).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 0, new ConnectException("Connection refused")))
        .isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 0, new SocketTimeoutException("timeout")))
        .isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 0, new EOFException())).isEqualTo(Kind.TRANSIENT);
    assertThat(FetchErrors.classify(null, 0, new IOException("unexpected end of stream")))
        .isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void anythingElseIsUnknown() {
    assertThat(FetchErrors.classify(null, 0, new IllegalStateException("odd")))
        .isEqualTo(Kind.UNKNOWN);
    assertThat(FetchErrors.classify("SomethingNew", 0, null)).isEqualTo(Kind.UNKNOWN);
  }

  /** Backoff from 100 ms to 2 s, transient errors retried for 10 s, unknown ones 3 times. */
  static final FetchErrors.Policy POLICY =
      new FetchErrors.Policy(
          Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10), 3);

  @Test
  void transientErrorsAreRetriedWithBackoffUntilTheBoundThenFailTheTask() {
    FetchErrors.Policy p = POLICY;
    assertThat(p.next(Kind.TRANSIENT, 1, Duration.ZERO))
        .isEqualTo(Action.retry(Duration.ofMillis(100)));
    assertThat(p.next(Kind.TRANSIENT, 2, Duration.ofMillis(100)))
        .isEqualTo(Action.retry(Duration.ofMillis(200)));
    assertThat(p.next(Kind.TRANSIENT, 9, Duration.ofSeconds(5)))
        .isEqualTo(Action.retry(Duration.ofSeconds(2)));
    assertThat(p.next(Kind.TRANSIENT, 10, Duration.ofSeconds(9))).isEqualTo(Action.FAIL_TASK);
  }

  @Test
  void unknownErrorsAreRetriedABoundedNumberOfTimesThenDeadLettered() {
    FetchErrors.Policy p = POLICY;
    assertThat(p.next(Kind.UNKNOWN, 1, Duration.ZERO))
        .isEqualTo(Action.retry(Duration.ofMillis(100)));
    assertThat(p.next(Kind.UNKNOWN, 2, Duration.ZERO))
        .isEqualTo(Action.retry(Duration.ofMillis(200)));
    assertThat(p.next(Kind.UNKNOWN, 3, Duration.ZERO)).isEqualTo(Action.DEAD_LETTER);
    assertThat(p.next(Kind.PERMANENT, 1, Duration.ZERO)).isEqualTo(Action.DEAD_LETTER);
    assertThat(p.next(Kind.MISSING, 1, Duration.ZERO)).isEqualTo(Action.MISSING);
  }

  @Test
  void objectSizesAreCheckedAgainstTheLimit() {
    assertThat(FetchErrors.sizeViolation(null, 10)).isNull();
    assertThat(FetchErrors.sizeViolation(10L, 10)).isNull();
    assertThat(FetchErrors.sizeViolation(11L, 10)).isEqualTo("object of 11 bytes, at most 10");
  }
}
