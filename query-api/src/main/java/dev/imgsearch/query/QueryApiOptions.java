package dev.imgsearch.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP layer.
 *
 * @param maxBodyBytes largest accepted request body (image or JSON); a multipart upload may add
 *     {@value #MULTIPART_OVERHEAD_BYTES} bytes of framing on top. Larger bodies get 413.
 * @param readinessTimeout how long {@code /readyz} waits for the vector store before answering 503
 */
public record QueryApiOptions(long maxBodyBytes, Duration readinessTimeout) {

  public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
  public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(2);
  public static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;

  /** Bodies are buffered in a byte array, so the limit stays below the largest array. */
  private static final long MAX_BODY_LIMIT = Integer.MAX_VALUE - MULTIPART_OVERHEAD_BYTES - 16;

  public QueryApiOptions {
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 1 and " + MAX_BODY_LIMIT + ", got " + maxBodyBytes);
    }
    Objects.requireNonNull(readinessTimeout, "readinessTimeout");
    if (readinessTimeout.isNegative() || readinessTimeout.isZero()) {
      throw new IllegalArgumentException("readinessTimeout must be positive, got " + readinessTimeout);
    }
  }

  /** 20 MiB bodies, 2 s readiness timeout. */
  public static QueryApiOptions defaults() {
    return new QueryApiOptions(DEFAULT_MAX_BODY_BYTES, DEFAULT_READINESS_TIMEOUT);
  }

  public QueryApiOptions withMaxBodyBytes(long bytes) {
    return new QueryApiOptions(bytes, readinessTimeout);
  }

  public QueryApiOptions withReadinessTimeout(Duration timeout) {
    return new QueryApiOptions(maxBodyBytes, timeout);
  }
}
