package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.query.server.MinioUrlSigner;
import dev.imgsearch.query.server.QueryServer;
import dev.imgsearch.query.server.QueryServerSettings;
import dev.imgsearch.query.server.TestSettings;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code s3.public-endpoint} against the real S3 server: the query API reads over the internal
 * endpoint ({@code 127.0.0.1}) while browsers reach the same server under another host name ({@code
 * localhost}). A URL signed for the public host downloads the object there; one signed for the
 * internal host does not verify under the public one (the signature covers the host), which is why
 * the option exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicEndpointPresignIT extends BrokerPerClass {

  private static final String ACCESS = "it-access";
  private static final String SECRET = "it-secret-0123456789";
  private static final byte[] BYTES = "not really a jpeg".getBytes(StandardCharsets.UTF_8);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private S3ServerProcess s3;
  private QueryServerSettings settings;

  @BeforeAll
  void start() throws Exception {
    s3 =
        S3ServerProcess.start(
            dir.resolve("s3"), 0, ACCESS, SECRET, broker.bootstrapServers(), "it-notes", "images");
    String publicEndpoint = "http://localhost:" + s3.port();
    settings =
        QueryServerSettings.fromMap(
            TestSettings.anonymousWithS3(s3.endpoint(), ACCESS, SECRET, publicEndpoint));
    internalClient()
        .putObject(
            PutObjectArgs.builder().bucket("images").object("cam-1/a.jpg").stream(
                    new ByteArrayInputStream(BYTES), (long) BYTES.length, -1L)
                .contentType("image/jpeg")
                .build());
  }

  @AfterAll
  void stop() throws Exception {
    closeAll(s3);
  }

  @Test
  void aUrlSignedForThePublicHostWorksThereAndAnInternalOneDoesNot() throws Exception {
    assertThat(s3.endpoint()).startsWith("http://127.0.0.1:");
    String signed =
        new MinioUrlSigner(QueryServer.signingClient(settings))
            .presignGet("images", "cam-1/a.jpg", Duration.ofMinutes(5))
            .orElseThrow();
    assertThat(signed).startsWith("http://localhost:" + s3.port() + "/images/cam-1/a.jpg?");

    HttpResponse<byte[]> viaPublicHost = get(signed);
    assertThat(viaPublicHost.statusCode()).isEqualTo(200);
    assertThat(viaPublicHost.body()).isEqualTo(BYTES);

    String internalUrl =
        new MinioUrlSigner(internalClient())
            .presignGet("images", "cam-1/a.jpg", Duration.ofMinutes(5))
            .orElseThrow();
    assertThat(get(internalUrl).statusCode()).as("works inside").isEqualTo(200);
    String rewritten = internalUrl.replace("http://127.0.0.1:", "http://localhost:");
    assertThat(get(rewritten).statusCode())
        .as("an internal URL rewritten to the public host")
        .isEqualTo(403);
  }

  /** A client of the S3 server's internal endpoint. */
  private MinioClient internalClient() {
    return MinioClient.builder()
        .endpoint(s3.endpoint())
        .region("us-east-1")
        .credentials(ACCESS, SECRET)
        .build();
  }

  private HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofByteArray());
  }
}
