package dev.imgsearch.schemas;

import io.minio.Http;
import io.minio.MinioClient;
import okhttp3.OkHttpClient;

/**
 * The pipeline's MinIO clients, all over {@link TcpNoDelay} sockets. The MinIO SDK is an optional
 * dependency of this module: the modules that call this declare it themselves.
 */
public final class S3Clients {
  private S3Clients() {}

  /**
   * A client builder for {@code endpoint} with the keys, over {@link #httpClient()}; callers add
   * what else they need (a region) and build.
   */
  public static MinioClient.Builder minio(String endpoint, String accessKey, String secretKey) {
    return MinioClient.builder()
        .endpoint(endpoint)
        .credentials(accessKey, secretKey)
        .httpClient(httpClient());
  }

  /** The MinIO SDK's default HTTP client, a new one each call, with {@code TCP_NODELAY} sockets. */
  public static OkHttpClient httpClient() {
    return Http.newDefaultClient().newBuilder().socketFactory(TcpNoDelay.socketFactory()).build();
  }
}
