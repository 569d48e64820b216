package dev.imgsearch.ingest;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.ObjectWriteResponse;
import java.util.Map;

/** {@link ObjectStore} over the MinIO Java SDK (any S3 server). */
public final class MinioObjectStore implements ObjectStore {
  private final MinioClient client;

  public MinioObjectStore(MinioClient client) {
    this.client = client;
  }

  public static MinioObjectStore connect(String endpoint, String accessKey, String secretKey) {
    return new MinioObjectStore(MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build());
  }

  @Override
  public Written put(String bucket, String key, byte[] bytes, String contentType, Map<String, String> userMetadata)
      throws Exception {
    ObjectWriteResponse r =
        client.putObject(
            PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .data(bytes, bytes.length)
                .contentType(contentType)
                .userMetadata(userMetadata)
                .build());
    return new Written(NotificationMapper.normaliseEtag(r.etag()), r.versionId());
  }
}
