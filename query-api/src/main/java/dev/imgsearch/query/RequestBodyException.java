package dev.imgsearch.query;

/**
 * The request body is absent, of an unaccepted media type, too large or malformed at the transport
 * level.
 */
final class RequestBodyException extends RuntimeException {

  /** What is wrong with the body; {@link ApiErrors} maps each kind to a status. */
  enum Kind {
    MISSING_BODY("missing-body"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type"),
    TOO_LARGE("payload-too-large"),
    MALFORMED("malformed-body"),
    /**
     * The body arrived slower than the minimum request data rate, or stalled past the idle timeout.
     */
    TOO_SLOW("request-timeout");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  private final Kind kind;

  RequestBodyException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  RequestBodyException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
