package dev.imgsearch.query.server;

import dev.imgsearch.query.ImageContentSource;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.util.Optional;

/**
 * Serves stored image bytes to the query API's {@code /v1/images/{id}/content} from the object
 * store.
 */
public final class MinioContentSource implements ImageContentSource {
  private final MinioClient client;

  public MinioContentSource(MinioClient client) {
    this.client = client;
  }

  @Override
  public Optional<Content> open(String bucket, String key) throws IOException {
    try {
      GetObjectResponse r =
          client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
      String type = r.headers().get("Content-Type");
      String length = r.headers().get("Content-Length");
      return Optional.of(new Content(r, type, length == null ? -1 : Long.parseLong(length)));
    } catch (ErrorResponseException e) {
      if (e.errorResponse() != null && "NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new IOException(e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
