package dev.imgsearch.ingest;

import java.util.Objects;

/** The claim-check path's object store and limits. */
public record FrameSettings(
    String endpoint,
    String accessKey,
    String secretKey,
    String bucket,
    long maxBytes,
    Backoff backoff) {
  public FrameSettings {
    Objects.requireNonNull(endpoint, "s3.endpoint");
    Objects.requireNonNull(accessKey, "s3.access-key");
    Objects.requireNonNull(secretKey, "s3.secret-key");
    Objects.requireNonNull(bucket, "frames.bucket");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("frames.max-bytes must be positive: " + maxBytes);
    }
  }
}
