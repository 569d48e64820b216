package dev.imgsearch.embedder.job;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.util.Optional;

/** {@link ObjectFetcher} over the S3 API with the MinIO Java SDK. */
public final class MinioObjectFetcher implements ObjectFetcher {
  private final MinioClient client;

  public MinioObjectFetcher(MinioClient client) {
    this.client = client;
  }

  /** Serializable settings; the client is built where the fetcher runs. */
  public record Settings(String endpoint, String accessKey, String secretKey) implements Factory {
    @Override
    public ObjectFetcher create() {
      return new MinioObjectFetcher(
          MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build());
    }
  }

  @Override
  public Optional<byte[]> fetch(String bucket, String key) throws IOException {
    try (GetObjectResponse in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      String code = e.errorResponse() == null ? "" : e.errorResponse().code();
      if ("NoSuchKey".equals(code) || "NoSuchBucket".equals(code)) {
        return Optional.empty();
      }
      throw new IOException("fetch " + bucket + "/" + key + " failed: " + code + " " + e.getMessage(), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("fetch " + bucket + "/" + key + " failed: " + e.getMessage(), e);
    }
  }
}
