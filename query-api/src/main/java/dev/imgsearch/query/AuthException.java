package dev.imgsearch.query;

/** The request carries no API key (401) or one that is not accepted (403). */
final class AuthException extends RuntimeException {

  static final String UNAUTHORIZED = "unauthorized";
  static final String FORBIDDEN = "forbidden";

  private final boolean missing;

  private AuthException(boolean missing, String message) {
    super(message);
    this.missing = missing;
  }

  static AuthException missing() {
    return new AuthException(true, "send an API key in the " + ApiKeys.HEADER + " header");
  }

  static AuthException rejected() {
    return new AuthException(false, "the API key is not valid");
  }

  int status() {
    return missing ? 401 : 403;
  }

  String code() {
    return missing ? UNAUTHORIZED : FORBIDDEN;
  }
}
