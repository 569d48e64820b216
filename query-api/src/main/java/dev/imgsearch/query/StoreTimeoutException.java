package dev.imgsearch.query;

/**
 * A vector-store call did not answer within the configured store timeout: answered with 504 {@value
 * #CODE}.
 */
public class StoreTimeoutException extends StoreUnavailableException {

  public static final String CODE = "store-timeout";

  public StoreTimeoutException(String message, Throwable cause) {
    super(CODE, message, cause);
  }
}
