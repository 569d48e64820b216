package dev.imgsearch.query.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Presigning for the public endpoint: computed locally, for the host the browser will use. */
class MinioUrlSignerTest {

  private static QueryServerSettings settings(String publicEndpoint) {
    return QueryServerSettings.fromMap(
        TestSettings.anonymousWithS3(
            "http://minio.internal:9000", "ak", "sk-secret", publicEndpoint));
  }

  @Test
  void signsForThePublicHostWithoutContactingIt() throws Exception {
    // .invalid never resolves: signing must not need a connection
    QueryServerSettings s = settings("https://images.example.invalid");
    MinioUrlSigner signer = new MinioUrlSigner(QueryServer.signingClient(s));

    URI url =
        URI.create(
            signer.presignGet("images", "cams/a b.jpg", Duration.ofMinutes(5)).orElseThrow());

    assertThat(url.getScheme()).isEqualTo("https");
    assertThat(url.getHost()).isEqualTo("images.example.invalid");
    assertThat(url.getPort()).isEqualTo(-1);
    assertThat(url.getRawPath()).isEqualTo("/images/cams/a%20b.jpg");
    assertThat(url.getRawQuery())
        .contains("X-Amz-Algorithm=AWS4-HMAC-SHA256")
        .contains("X-Amz-Expires=300")
        .contains(
            "X-Amz-SignedHeaders=host") // the host is signed: rewriting an internal URL would not
        // verify
        .contains("X-Amz-Signature=")
        .doesNotContain("sk-secret");
  }
}
