package dev.imgsearch.embedder.job;

import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;

/** Reads object bytes from the object store. Empty when the object no longer exists (deleted before we got to it). */
public interface ObjectFetcher extends AutoCloseable {

  Optional<byte[]> fetch(String bucket, String key) throws IOException;

  @Override
  default void close() {}

  /** Creates a fetcher on the task manager. */
  interface Factory extends Serializable {
    ObjectFetcher create();
  }
}
