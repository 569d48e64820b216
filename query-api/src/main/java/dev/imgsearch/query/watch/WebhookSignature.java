package dev.imgsearch.query.watch;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@value #HEADER} header of a webhook POST: {@code sha256=} and the lower-case hex HMAC-SHA256
 * of the exact body bytes, keyed with {@code webhooks.secret} (UTF-8). A receiver recomputes it
 * over the body it received and compares in constant time ({@link #verify}). Pure.
 */
public final class WebhookSignature {
  public static final String HEADER = "X-Imgsearch-Signature";
  public static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  /** {@code sha256=<hex>} of {@code body} under {@code secret}. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] h = mac.doFinal(body);
      StringBuilder sb = new StringBuilder(PREFIX.length() + 2 * h.length).append(PREFIX);
      for (byte b : h) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether {@code header} is the signature of {@code body} under {@code secret}. */
  public static boolean verify(String secret, byte[] body, String header) {
    if (header == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(secret, body).getBytes(StandardCharsets.US_ASCII),
        header.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }
}
