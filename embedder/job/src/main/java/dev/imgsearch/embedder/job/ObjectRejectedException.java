package dev.imgsearch.embedder.job;

import java.io.IOException;

/**
 * An object that will never be fetched as it is (too large, access denied, an invalid name, …): the
 * record becomes a dead letter with {@link #reason()}; unlike other {@link IOException}s of a
 * fetcher it does not fail the task.
 */
public final class ObjectRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  public ObjectRejectedException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Dead-letter reason, e.g. {@link FetchErrors#OBJECT_TOO_LARGE} or {@link
   * FetchErrors#FETCH_FAILED}.
   */
  public String reason() {
    return reason;
  }
}
