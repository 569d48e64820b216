package dev.imgsearch.embedder.job;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;

/**
 * Reads object bytes from the object store. Empty when the object no longer exists (deleted before
 * we got to it); {@link ObjectRejectedException} when it will never be fetched as it is (a dead
 * letter); any other {@link IOException} is an outage (the task fails and the job restarts from its
 * checkpoint).
 */
public interface ObjectFetcher extends AutoCloseable {

  Optional<byte[]> fetch(String bucket, String key) throws IOException;

  /**
   * As {@link #fetch(String, String)}, knowing the size the event announced ({@code null}:
   * unknown), so a fetcher with a size limit can refuse the object before the GET.
   */
  default Optional<byte[]> fetch(String bucket, String key, Long size) throws IOException {
    return fetch(bucket, key);
  }

  @Override
  default void close() {}

  /** Creates a fetcher on the task manager. */
  interface Factory extends Serializable {
    ObjectFetcher create();
  }
}
