package dev.imgsearch.ingest;

/**
 * The object store refused every write of one frame for the whole retry budget. Thrown out of the
 * topology on purpose: the stream thread is replaced and resumes from the last committed offset, so
 * the frame is neither lost nor skipped.
 */
public class ObjectStoreUnavailableException extends RuntimeException {
  public ObjectStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
