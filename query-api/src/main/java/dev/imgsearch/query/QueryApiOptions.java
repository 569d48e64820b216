package dev.imgsearch.query;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings of the HTTP layer.
 *
 * @param maxBodyBytes largest accepted request body (image or JSON); a multipart upload may add
 *     {@value #MULTIPART_OVERHEAD_BYTES} bytes of framing on top. Larger bodies get 413.
 * @param readinessTimeout how long {@code /readyz} waits for the vector store and the model before
 *     answering 503
 * @param presignExpiry lifetime of the presigned image URLs in responses, 1 s .. 7 days
 * @param apiKeys keys accepted in {@value ApiKeys#HEADER} on {@code /v1/*}
 * @param anonymous the explicit opt-out of API keys (local mode only): without keys and without
 *     this the API refuses to start
 * @param maxConcurrentDecodes uploaded images decoded / embedded / hashed at once (default: the
 *     number of cores)
 * @param decodeWait how long a request waits for a decode permit before 503 {@code server-busy}
 *     with Retry-After
 * @param minRequestDataRate slowest accepted request body, bytes per second measured from its first
 *     byte (Jetty's minimum request data rate); slower uploads are cut off with 408. 0 turns the
 *     check off
 * @param idleTimeout a connection that sends or receives nothing for this long is closed (also
 *     bounds a client that stops sending in the middle of its headers or body)
 * @param maxThreads Jetty's request threads: a request that waits on a slow client or for a decode
 *     permit holds one, so there are enough for the probes to answer while uploads are saturated
 */
public record QueryApiOptions(
    long maxBodyBytes,
    Duration readinessTimeout,
    Duration presignExpiry,
    ApiKeys apiKeys,
    boolean anonymous,
    int maxConcurrentDecodes,
    Duration decodeWait,
    long minRequestDataRate,
    Duration idleTimeout,
    int maxThreads) {

  public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;
  public static final Duration DEFAULT_READINESS_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_PRESIGN_EXPIRY = Duration.ofMinutes(15);
  public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);
  public static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;
  public static final Duration DEFAULT_DECODE_WAIT = Duration.ofSeconds(2);
  public static final long DEFAULT_MIN_REQUEST_DATA_RATE = 4 * 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_THREADS = 400;

  /** Threads Jetty keeps for itself (acceptors, selectors) besides those serving requests. */
  static final int MIN_THREADS = 16;

  /** Bodies are buffered in a byte array, so the limit stays below the largest array. */
  private static final long MAX_BODY_LIMIT = Integer.MAX_VALUE - MULTIPART_OVERHEAD_BYTES - 16;

  public QueryApiOptions {
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 1 and " + MAX_BODY_LIMIT + ", got " + maxBodyBytes);
    }
    positive("readinessTimeout", readinessTimeout);
    Objects.requireNonNull(presignExpiry, "presignExpiry");
    if (presignExpiry.compareTo(Duration.ofSeconds(1)) < 0
        || presignExpiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
      throw new IllegalArgumentException(
          "presignExpiry must be between 1 s and 7 days, got " + presignExpiry);
    }
    Objects.requireNonNull(apiKeys, "apiKeys");
    if (maxConcurrentDecodes < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentDecodes must be at least 1, got " + maxConcurrentDecodes);
    }
    Objects.requireNonNull(decodeWait, "decodeWait");
    if (decodeWait.isNegative()) {
      throw new IllegalArgumentException("decodeWait must not be negative, got " + decodeWait);
    }
    if (minRequestDataRate < 0) {
      throw new IllegalArgumentException(
          "minRequestDataRate must be 0 (off) or positive, got " + minRequestDataRate);
    }
    positive("idleTimeout", idleTimeout);
    if (maxThreads < 2 * MIN_THREADS) {
      throw new IllegalArgumentException(
          "maxThreads must be at least " + 2 * MIN_THREADS + ", got " + maxThreads);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** Defaults with the given body limit and readiness timeout. */
  public QueryApiOptions(long maxBodyBytes, Duration readinessTimeout) {
    this(
        maxBodyBytes,
        readinessTimeout,
        DEFAULT_PRESIGN_EXPIRY,
        ApiKeys.disabled(),
        false,
        Runtime.getRuntime().availableProcessors(),
        DEFAULT_DECODE_WAIT,
        DEFAULT_MIN_REQUEST_DATA_RATE,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_MAX_THREADS);
  }

  /**
   * Defaults: 20 MiB bodies, 2 s readiness timeout, 15 min presigned URLs, one decode per core with
   * a 2 s wait, bodies slower than 4 KiB/s cut off, 30 s idle timeout, 400 threads, and <b>no API
   * keys and no anonymous access</b>: the API refuses to start until either {@link #withApiKeys} or
   * {@link #withAnonymousAccess} is set.
   */
  public static QueryApiOptions defaults() {
    return new QueryApiOptions(DEFAULT_MAX_BODY_BYTES, DEFAULT_READINESS_TIMEOUT);
  }

  /**
   * Fails closed: throws unless API keys are on or anonymous access was asked for explicitly.
   *
   * @throws IllegalStateException naming both ways out
   */
  public void checkAuthentication() {
    if (!apiKeys.enabled() && !anonymous) {
      throw new IllegalStateException(
          "no API keys configured: set QueryApiOptions.withApiKeys(...), or opt out with withAnonymousAccess()"
              + " (local mode only)");
    }
  }

  public QueryApiOptions withMaxBodyBytes(long bytes) {
    return with(f -> f.maxBodyBytes = bytes);
  }

  public QueryApiOptions withReadinessTimeout(Duration timeout) {
    return with(f -> f.readinessTimeout = timeout);
  }

  public QueryApiOptions withPresignExpiry(Duration expiry) {
    return with(f -> f.presignExpiry = expiry);
  }

  public QueryApiOptions withApiKeys(ApiKeys keys) {
    return with(f -> f.apiKeys = keys);
  }

  /**
   * Opts out of API keys: anyone who reaches the port may search and read images (local mode;
   * logged as a warning).
   */
  public QueryApiOptions withAnonymousAccess() {
    return with(f -> f.anonymous = true);
  }

  /**
   * At most {@code permits} decodes at once; a request waits at most {@code wait} for one, then
   * gets 503.
   */
  public QueryApiOptions withDecodeLimit(int permits, Duration wait) {
    return with(
        f -> {
          f.maxConcurrentDecodes = permits;
          f.decodeWait = wait;
        });
  }

  public QueryApiOptions withMinRequestDataRate(long bytesPerSecond) {
    return with(f -> f.minRequestDataRate = bytesPerSecond);
  }

  public QueryApiOptions withIdleTimeout(Duration timeout) {
    return with(f -> f.idleTimeout = timeout);
  }

  public QueryApiOptions withMaxThreads(int threads) {
    return with(f -> f.maxThreads = threads);
  }

  /** A copy with what {@code change} sets; the canonical constructor checks the result. */
  private QueryApiOptions with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new QueryApiOptions(
        f.maxBodyBytes,
        f.readinessTimeout,
        f.presignExpiry,
        f.apiKeys,
        f.anonymous,
        f.maxConcurrentDecodes,
        f.decodeWait,
        f.minRequestDataRate,
        f.idleTimeout,
        f.maxThreads);
  }

  /** The components of a copy being changed by one {@code with...} method. */
  private static final class Fields {
    long maxBodyBytes;
    Duration readinessTimeout;
    Duration presignExpiry;
    ApiKeys apiKeys;
    boolean anonymous;
    int maxConcurrentDecodes;
    Duration decodeWait;
    long minRequestDataRate;
    Duration idleTimeout;
    int maxThreads;

    Fields(QueryApiOptions o) {
      maxBodyBytes = o.maxBodyBytes;
      readinessTimeout = o.readinessTimeout;
      presignExpiry = o.presignExpiry;
      apiKeys = o.apiKeys;
      anonymous = o.anonymous;
      maxConcurrentDecodes = o.maxConcurrentDecodes;
      decodeWait = o.decodeWait;
      minRequestDataRate = o.minRequestDataRate;
      idleTimeout = o.idleTimeout;
      maxThreads = o.maxThreads;
    }
  }
}
