package dev.imgsearch.query.watch;

/**
 * Watches cannot be served now: not configured (no Kafka), the view still catching up, or Kafka not
 * answering.
 */
public final class WatchesUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Kafka is not configured for this API. */
  public static final String DISABLED = "watches-disabled";

  /** The watches view has not caught up with its topic yet. */
  public static final String NOT_READY = "watches-not-ready";

  /** The alert history is still being rebuilt from the alerts topic. */
  public static final String ALERTS_NOT_READY = "alerts-not-ready";

  /** A write to the watches topic was not acknowledged. */
  public static final String KAFKA = "kafka-unavailable";

  private final String code;

  public WatchesUnavailableException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
