package dev.imgsearch.schemas;

import io.minio.Http;
import io.minio.MinioClient;
import okhttp3.Dispatcher;
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

  /**
   * The MinIO SDK's default HTTP client, a new one each call, with {@code TCP_NODELAY} sockets, and
   * each request run on the thread that makes it ({@link CallerRuns}): {@link MinioClient} waits
   * for every answer anyway, and the SDK's asynchronous calls would otherwise hand each request to
   * a dispatcher thread and back. Do not put a {@code MinioAsyncClient} over it (its calls would
   * block).
   */
  public static OkHttpClient httpClient() {
    Dispatcher dispatcher = new Dispatcher(new CallerRuns());
    // every call starts at once on its caller's thread: no queue for a later call to run
    dispatcher.setMaxRequests(Integer.MAX_VALUE);
    dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
    return Http.newDefaultClient()
        .newBuilder()
        .dispatcher(dispatcher)
        .socketFactory(TcpNoDelay.socketFactory())
        .build();
  }
}
