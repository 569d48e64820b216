package dev.imgsearch.cli.bench;

import dev.imgsearch.cli.LocalStackSettings;
import dev.imgsearch.schemas.TcpNoDelay;
import io.minio.Http;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sequential S3 PUT latency against a running local stack, with the MinIO SDK's default HTTP client
 * (Nagle on) and with {@link TcpNoDelay} sockets, alternating: the measurement behind
 * docs/benchmarks.md "S3 requests and Nagle". Not a test: {@code java -cp "$(cat
 * local/cli/target/cli.classpath):local/cli/target/test-classes"
 * dev.imgsearch.cli.bench.S3PutLatency http://127.0.0.1:9000 FILE.jpg}.
 */
public final class S3PutLatency {
  private S3PutLatency() {}

  public static void main(String[] args) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(args[1]));
    for (boolean noDelay : new boolean[] {false, true, false, true}) {
      MinioClient.Builder b =
          MinioClient.builder()
              .endpoint(args[0])
              .credentials(
                  LocalStackSettings.DEFAULT_ACCESS_KEY, LocalStackSettings.DEFAULT_SECRET_KEY);
      if (noDelay) {
        b.httpClient(
            Http.newDefaultClient().newBuilder().socketFactory(TcpNoDelay.socketFactory()).build());
      }
      MinioClient client = b.build();
      for (int i = 0; i < 20; i++) { // warm-up
        put(client, body, "warm-" + i);
      }
      int n = 100;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        put(client, body, "nodelay-" + noDelay + "-" + i);
      }
      System.out.printf(
          "TCP_NODELAY %s: %.1f ms per PUT of %d bytes%n",
          noDelay, (System.nanoTime() - start) / 1e6 / n, body.length);
    }
  }

  private static void put(MinioClient client, byte[] body, String name) throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket("images").object("s3-put-latency/" + name + ".jpg").stream(
                new ByteArrayInputStream(body), (long) body.length, -1L)
            .contentType("image/jpeg")
            .build());
  }
}
