package dev.imgsearch.ingest;

import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.S3Clients;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.util.Map;

/**
 * {@link ObjectStore} over the MinIO Java SDK (any S3 server). The SDK's error answers become
 * {@link ObjectStoreErrorResponse} (HTTP status and S3 error code) for {@link ObjectStoreFailures};
 * other exceptions (I/O, invalid arguments) pass as they are.
 */
public final class MinioObjectStore implements ObjectStore {
  private final MinioClient client;

  public MinioObjectStore(MinioClient client) {
    this.client = client;
  }

  public static MinioObjectStore connect(String endpoint, String accessKey, String secretKey) {
    return new MinioObjectStore(S3Clients.minio(endpoint, accessKey, secretKey).build());
  }

  @Override
  public Written put(
      String bucket, String key, byte[] bytes, String contentType, Map<String, String> userMetadata)
      throws Exception {
    checkHeaderText("content type", contentType);
    userMetadata.forEach(
        (k, v) -> {
          checkHeaderText("user metadata name", k);
          checkHeaderText("user metadata '" + k + "'", v);
        });
    ObjectWriteResponse r;
    try {
      r =
          client.putObject(
              PutObjectArgs.builder()
                  .bucket(bucket)
                  .object(key)
                  .data(bytes, bytes.length)
                  .contentType(contentType)
                  .userMetadata(userMetadata)
                  .build());
    } catch (ErrorResponseException e) {
      var body = e.errorResponse();
      int status = e.response() == null ? 0 : e.response().code();
      throw new ObjectStoreErrorResponse(
          status, body == null ? null : body.code(), body == null ? null : body.message(), e);
    } catch (ServerException e) {
      throw new ObjectStoreErrorResponse(e.statusCode(), null, e.getMessage(), e);
    } catch (InvalidResponseException e) {
      throw new ObjectStoreErrorResponse(
          ObjectStoreFailures.statusOfNonXmlResponse(e.getMessage()),
          null,
          FieldLimits.truncateUtf8(e.getMessage(), 300),
          e);
    }
    return new Written(NotificationMapper.normaliseEtag(r.etag()), r.versionId());
  }

  /**
   * Refuses (as an invalid argument, so {@link ObjectStoreFailures} calls it permanent) a header
   * text with anything but printable ASCII: the SDK sends a control or non-ASCII character, and the
   * server answers {@code SignatureDoesNotMatch} — the same code as for a wrong secret key, which
   * must stay an outage to wait out, not a bad frame.
   */
  static void checkHeaderText(String what, String value) {
    if (value == null) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new IllegalArgumentException(
            String.format(
                java.util.Locale.ROOT,
                "%s has character U+%04X at index %d: S3 user metadata is printable ASCII",
                what,
                (int) c,
                i));
      }
    }
  }
}
