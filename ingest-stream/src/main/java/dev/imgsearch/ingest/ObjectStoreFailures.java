package dev.imgsearch.ingest;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a failed object store write is worth retrying. Pure.
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT} (retried with backoff; when the budget runs out the thread fails and
 *       resumes from the last commit): connection problems ({@link IOException}: refused, reset,
 *       timeouts, unknown host), HTTP 5xx, 408 and 429, throttling codes ({@code SlowDown}, {@code
 *       Throttling}, …, {@code RequestTimeout}) and the codes that mean the store's settings are
 *       wrong ({@code NoSuchBucket}, {@code InvalidBucketName}, {@code InvalidAccessKeyId}, {@code
 *       SignatureDoesNotMatch} — a wrong secret key —, {@code AccessDenied}, {@code
 *       RequestTimeTooSkewed}, expired tokens): every frame would fail alike, so they are an outage
 *       to fix, not bad frames to dead-letter (a frame over 512 KiB would lose its bytes there).
 *       The frame's own headers cannot cause them: the edge refuses control characters, and what
 *       the HTTP client cannot send fails before the request.
 *   <li>{@link Kind#PERMANENT} (the frame becomes a dead letter at once): any other HTTP 4xx (e.g.
 *       {@code InvalidArgument}, {@code MetadataTooLarge}, {@code KeyTooLongError}, {@code
 *       EntityTooLarge}) and {@link IllegalArgumentException} (an argument the SDK or HTTP client
 *       refuses to send).
 *   <li>{@link Kind#UNKNOWN} (a few retries, then a dead letter): anything else.
 * </ul>
 *
 * The cause chain is searched from the outside in, an error answer of the store first: SDK wrappers
 * around an {@link IOException} or an answer count as the latter.
 */
public final class ObjectStoreFailures {
  public enum Kind {
    PERMANENT,
    TRANSIENT,
    UNKNOWN
  }

  /**
   * The kind and a one-line description for logs and dead letters (with the S3 error code when
   * there is one).
   */
  public record Classified(Kind kind, String detail) {}

  static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "TooManyRequests",
          "RequestLimitExceeded",
          "RequestThrottled",
          "ServiceUnavailable",
          "InternalError",
          "RequestTimeout",
          "XMinioServerNotInitialized",
          // the store's settings, the same for every frame
          "NoSuchBucket",
          "InvalidBucketName",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "AccessDenied",
          "AllAccessDisabled",
          "RequestTimeTooSkewed",
          "ExpiredToken",
          "InvalidToken",
          "AccountProblem");

  private static final Pattern NON_XML_STATUS = Pattern.compile("Response code: (\\d{3})");

  private ObjectStoreFailures() {}

  public static Classified classify(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof ObjectStoreErrorResponse r) {
        return new Classified(ofResponse(r.status(), r.code()), r.getMessage());
      }
    }
    seen.clear();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof IOException) {
        return new Classified(Kind.TRANSIENT, t.toString());
      }
      if (t instanceof IllegalArgumentException) {
        return new Classified(Kind.PERMANENT, "invalid argument: " + t.getMessage());
      }
    }
    return new Classified(Kind.UNKNOWN, String.valueOf(failure));
  }

  static Kind ofResponse(int status, String code) {
    if (status >= 500
        || status == 408
        || status == 429
        || (code != null && TRANSIENT_CODES.contains(code))) {
      return Kind.TRANSIENT;
    }
    return status >= 400 ? Kind.PERMANENT : Kind.UNKNOWN;
  }

  /** The HTTP status in the SDK's message for a non-XML error answer, or 0. */
  static int statusOfNonXmlResponse(String message) {
    Matcher m = message == null ? null : NON_XML_STATUS.matcher(message);
    return m != null && m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
