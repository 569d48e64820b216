package dev.imgsearch.query;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes time-limited download URLs for stored images, so browsers fetch thumbnails straight from
 * the object store (MinIO SDK {@code getPresignedObjectUrl} with method GET). {@link #NONE} makes
 * none; the API then points clients to its own {@code /v1/images/{id}/content}.
 */
@FunctionalInterface
public interface ImageUrlSigner {

  /** Signs nothing. */
  ImageUrlSigner NONE = (bucket, key, expiry) -> Optional.empty();

  /**
   * A GET URL for one object, valid for {@code expiry}.
   *
   * @return empty if this signer cannot sign for the object
   * @throws IOException if signing fails (the API answers 503)
   */
  Optional<String> presignGet(String bucket, String key, Duration expiry) throws IOException;
}
