package dev.imgsearch.query;

/**
 * A dependency (vector store, object store, embedding model) failed or did not answer in time; the
 * request may succeed later. Answered with 503 and {@link #code()}.
 */
public class StoreUnavailableException extends RuntimeException {

  /** The vector store or the object store failed. */
  public static final String STORE = "store-unavailable";

  /** The embedding model cannot embed. */
  public static final String MODEL = "model-unavailable";

  private final String code;

  public StoreUnavailableException(String message, Throwable cause) {
    this(STORE, message, cause);
  }

  public StoreUnavailableException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The machine-readable error code returned to the client. */
  public String code() {
    return code;
  }
}
