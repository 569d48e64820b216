package dev.imgsearch.query.server;

import dev.imgsearch.query.ImageUrlSigner;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http.Method;
import io.minio.MinioClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Presigned GET URLs from the object store (build the client with a region so signing needs no
 * round trip).
 */
public final class MinioUrlSigner implements ImageUrlSigner {
  private final MinioClient client;

  public MinioUrlSigner(MinioClient client) {
    this.client = client;
  }

  @Override
  public Optional<String> presignGet(String bucket, String key, Duration expiry)
      throws IOException {
    try {
      return Optional.of(
          client.getPresignedObjectUrl(
              GetPresignedObjectUrlArgs.builder()
                  .method(Method.GET)
                  .bucket(bucket)
                  .object(key)
                  .expiry((int) expiry.toSeconds())
                  .build()));
    } catch (Exception e) {
      throw new IOException("presign " + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }
}
