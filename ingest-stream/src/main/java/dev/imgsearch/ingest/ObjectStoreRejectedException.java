package dev.imgsearch.ingest;

/**
 * The object store refused one frame for good (an S3 4xx error such as {@code InvalidArgument}, an
 * argument the SDK cannot send, or an unknown failure that repeated): the frame becomes a dead
 * letter and processing goes on. See {@link ObjectStoreFailures}.
 */
public class ObjectStoreRejectedException extends RuntimeException {
  public ObjectStoreRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
