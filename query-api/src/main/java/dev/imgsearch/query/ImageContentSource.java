package dev.imgsearch.query;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Opens the stored bytes of an indexed image so the API can proxy them ({@code GET
 * /v1/images/{id}/content}). The application wires an implementation backed by the object store
 * (MinIO SDK); {@link #NONE} serves nothing.
 */
@FunctionalInterface
public interface ImageContentSource {

  /** A source that has no objects: every content request answers 404. */
  ImageContentSource NONE = (bucket, key) -> Optional.empty();

  /**
   * Opens one object.
   *
   * @return empty if the object does not exist
   * @throws IOException if the object store cannot be reached; the API answers 503
   */
  Optional<Content> open(String bucket, String key) throws IOException;

  /**
   * An open object; the caller closes {@code stream}.
   *
   * @param contentType as stored, may be null
   * @param length in bytes, or -1 if unknown
   */
  record Content(InputStream stream, String contentType, long length) {}
}
