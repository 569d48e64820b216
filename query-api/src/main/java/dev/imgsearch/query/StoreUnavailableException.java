package dev.imgsearch.query;

/** The vector store or the object store failed or did not answer in time; the request may succeed later. */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
