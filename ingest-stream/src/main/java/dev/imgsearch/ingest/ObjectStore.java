package dev.imgsearch.ingest;

import java.util.Map;

/** Where the claim-check path writes frames. */
public interface ObjectStore {
  /** The stored object's eTag (unquoted) and version id (null when unversioned). */
  record Written(String etag, String versionId) {}

  /**
   * Writes (or overwrites) one object. Throws on any failure; {@link RetryingObjectStore} decides
   * about retries.
   *
   * @param userMetadata names without the {@code x-amz-meta-} prefix
   */
  Written put(
      String bucket, String key, byte[] bytes, String contentType, Map<String, String> userMetadata)
      throws Exception;
}
