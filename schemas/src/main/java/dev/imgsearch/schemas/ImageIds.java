package dev.imgsearch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Deterministic image ids. The same object (bucket + key) always maps to the same id, so a
 * re-delivered notification upserts the same row and a delete finds it.
 *
 * <p>The id is the first 128 bits of SHA-256 over {@code bucket + '/' + key} (the key URL-decoded),
 * as 32 lower-case hex characters. Bucket names cannot contain '/', so the input is unambiguous.
 */
public final class ImageIds {
  public static final int LENGTH = 32;

  private ImageIds() {}

  public static String of(String bucket, String key) {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    if (bucket.isEmpty() || bucket.indexOf('/') >= 0) {
      throw new IllegalArgumentException("invalid bucket name: '" + bucket + "'");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty object key");
    }
    return Sha256.hex128((bucket + "/" + key).getBytes(StandardCharsets.UTF_8));
  }

  public static boolean isValid(String id) {
    if (id == null || id.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
