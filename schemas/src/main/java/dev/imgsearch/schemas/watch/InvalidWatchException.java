package dev.imgsearch.schemas.watch;

/**
 * A watch that cannot be armed; the message says why. Dead-lettered with reason {@value #REASON}.
 */
public final class InvalidWatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Dead-letter reason of a watch record that is not a valid watch. */
  public static final String REASON = "invalid-watch";

  public InvalidWatchException(String message) {
    super(message);
  }
}
