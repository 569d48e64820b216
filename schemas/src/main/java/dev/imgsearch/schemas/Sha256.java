package dev.imgsearch.schemas;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests (every Java platform has the algorithm). Pure. */
public final class Sha256 {
  private Sha256() {}

  /** The 32-byte SHA-256 digest of {@code bytes}. */
  public static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * The first 128 bits of the SHA-256 digest of {@code bytes} as 32 lower-case hex characters: the
   * form of the image, frame and alert ids.
   */
  public static String hex128(byte[] bytes) {
    return HexFormat.of().formatHex(digest(bytes), 0, 16);
  }
}
