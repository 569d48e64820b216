package dev.imgsearch.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP layer.
 *
 * @param maxBodyBytes largest accepted request body (image or JSON); a multipart upload may add
 *     {@value #MULTIPART_OVERHEAD_BYTES} bytes of framing on top. Larger bodies get 413.
 * @param readinessTimeout how long {@code /readyz} waits for the vector store and the model before answering 503
 * @param presignExpiry lifetime of the presigned image URLs in responses, 1 s .. 7 days
 * @param apiKeys keys accepted in {@value ApiKeys#HEADER} on {@code /v1/*}; {@link ApiKeys#disabled()} for local mode
 */
public record QueryApiOptions(long maxBodyBytes, Duration readinessTimeout, Duration presignExpiry, ApiKeys apiKeys) {

  public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
  public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_PRESIGN_EXPIRY = Duration.ofMinutes(15);
  public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);
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
    Objects.requireNonNull(presignExpiry, "presignExpiry");
    if (presignExpiry.compareTo(Duration.ofSeconds(1)) < 0 || presignExpiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
      throw new IllegalArgumentException("presignExpiry must be between 1 s and 7 days, got " + presignExpiry);
    }
    Objects.requireNonNull(apiKeys, "apiKeys");
  }

  /** Default presign expiry, no API keys. */
  public QueryApiOptions(long maxBodyBytes, Duration readinessTimeout) {
    this(maxBodyBytes, readinessTimeout, DEFAULT_PRESIGN_EXPIRY, ApiKeys.disabled());
  }

  /**
   * Local-mode defaults: 20 MiB bodies, 2 s readiness timeout, 15 min presigned URLs, <b>no API keys</b> (a warning is
   * logged at start). Deployments reachable by others add keys with {@link #withApiKeys}.
   */
  public static QueryApiOptions defaults() {
    return new QueryApiOptions(DEFAULT_MAX_BODY_BYTES, DEFAULT_READINESS_TIMEOUT);
  }

  public QueryApiOptions withMaxBodyBytes(long bytes) {
    return new QueryApiOptions(bytes, readinessTimeout, presignExpiry, apiKeys);
  }

  public QueryApiOptions withReadinessTimeout(Duration timeout) {
    return new QueryApiOptions(maxBodyBytes, timeout, presignExpiry, apiKeys);
  }

  public QueryApiOptions withPresignExpiry(Duration expiry) {
    return new QueryApiOptions(maxBodyBytes, readinessTimeout, expiry, apiKeys);
  }

  public QueryApiOptions withApiKeys(ApiKeys keys) {
    return new QueryApiOptions(maxBodyBytes, readinessTimeout, presignExpiry, keys);
  }
}
