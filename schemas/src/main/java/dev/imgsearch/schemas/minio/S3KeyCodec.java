package dev.imgsearch.schemas.minio;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * MinIO escapes object keys in notifications with Go's {@code url.QueryEscape}: space becomes
 * {@code +}, {@code /} becomes {@code %2F}, non-ASCII is percent-encoded UTF-8. This class undoes
 * and reproduces that escaping.
 */
public final class S3KeyCodec {
  private S3KeyCodec() {}

  /**
   * Decodes a key from a notification. Throws {@link IllegalArgumentException} on a malformed
   * escape.
   */
  public static String decode(String escaped) {
    if (escaped == null) {
      return null;
    }
    return URLDecoder.decode(escaped, StandardCharsets.UTF_8);
  }

  /** Escapes a key exactly as Go's url.QueryEscape does (unreserved: A-Z a-z 0-9 - _ . ~). */
  public static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }
}
