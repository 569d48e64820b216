package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  @Test
  void signsWithHmacSha256AsLowerCaseHex() {
    // RFC 4231 test case 2
    byte[] body = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.sign("Jefe", body))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void verifiesOnlyTheSameBodyAndSecret() {
    byte[] body = "{\"alertId\":\"a\"}".getBytes(StandardCharsets.UTF_8);
    String sig = WebhookSignature.sign("s3cret", body);
    assertThat(WebhookSignature.verify("s3cret", body, sig)).isTrue();
    assertThat(
            WebhookSignature.verify("s3cret", body, sig.toUpperCase().replace("SHA256", "sha256")))
        .isTrue();
    assertThat(WebhookSignature.verify("other", body, sig)).isFalse();
    assertThat(
            WebhookSignature.verify(
                "s3cret", "{\"alertId\":\"b\"}".getBytes(StandardCharsets.UTF_8), sig))
        .isFalse();
    assertThat(WebhookSignature.verify("s3cret", body, null)).isFalse();
  }
}
