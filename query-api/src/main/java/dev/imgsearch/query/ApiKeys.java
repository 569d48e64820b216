package dev.imgsearch.query;

import dev.imgsearch.schemas.CommaSeparated;
import dev.imgsearch.schemas.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The API keys accepted in the {@value #HEADER} header on {@code /v1/*}. Keys are kept only as
 * SHA-256 digests and compared in constant time against every configured key. {@link #disabled()}
 * accepts every request (local mode only; {@link QueryApi#start} logs a warning).
 */
public final class ApiKeys {

  /** Request header that carries the key. */
  public static final String HEADER = "X-API-Key";

  /** Shortest accepted key: shorter ones are guessable. */
  public static final int MIN_KEY_LENGTH = 16;

  private static final ApiKeys DISABLED = new ApiKeys(List.of());

  private final List<byte[]> digests;

  private ApiKeys(List<byte[]> digests) {
    this.digests = digests;
  }

  /** No authentication: every request passes. */
  public static ApiKeys disabled() {
    return DISABLED;
  }

  /**
   * Requires one of {@code keys}.
   *
   * @throws IllegalArgumentException if there is no key, or a key is shorter than {@value
   *     #MIN_KEY_LENGTH} characters or contains characters outside visible ASCII
   */
  public static ApiKeys of(Collection<String> keys) {
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one API key is required (or use ApiKeys.disabled())");
    }
    List<byte[]> digests = new ArrayList<>();
    for (String key : keys) {
      if (key == null
          || key.length() < MIN_KEY_LENGTH
          || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "API keys must be at least "
                + MIN_KEY_LENGTH
                + " visible ASCII characters without spaces");
      }
      digests.add(sha256(key));
    }
    return new ApiKeys(List.copyOf(digests));
  }

  /**
   * Parses a comma-separated list, e.g. an environment variable; blank means {@link #disabled()}.
   */
  public static ApiKeys parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return disabled();
    }
    return of(CommaSeparated.items(commaSeparated));
  }

  /** Whether requests must carry a key. */
  public boolean enabled() {
    return !digests.isEmpty();
  }

  /**
   * Checks the value of the {@value #HEADER} header.
   *
   * @throws AuthException 401 if enabled and the header is absent or blank, 403 if the key is not
   *     accepted
   */
  void check(String presented) {
    if (!enabled()) {
      return;
    }
    if (presented == null || presented.isBlank()) {
      throw AuthException.missing();
    }
    byte[] digest = sha256(presented.trim());
    boolean match = false;
    for (byte[] accepted : digests) {
      match |= MessageDigest.isEqual(accepted, digest);
    }
    if (!match) {
      throw AuthException.rejected();
    }
  }

  @Override
  public String toString() {
    return enabled() ? "ApiKeys[" + digests.size() + " key(s)]" : "ApiKeys[disabled]";
  }

  private static byte[] sha256(String key) {
    return Sha256.digest(key.getBytes(StandardCharsets.UTF_8));
  }
}
