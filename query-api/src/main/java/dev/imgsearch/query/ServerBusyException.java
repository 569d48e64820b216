package dev.imgsearch.query;

/**
 * The server is at its bound for this kind of work and the request waited as long as it may: 503
 * {@value #CODE} with a {@code Retry-After} header of {@link #retryAfterSeconds()}.
 */
public class ServerBusyException extends RuntimeException {

  public static final String CODE = "server-busy";

  private final long retryAfterSeconds;

  public ServerBusyException(String message, long retryAfterSeconds) {
    super(message);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Seconds a client should wait before trying again, at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
