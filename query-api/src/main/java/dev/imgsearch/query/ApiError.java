package dev.imgsearch.query;

/**
 * An error response: HTTP status plus the JSON body {@code
 * {"error":{"code":"<code>","message":"..."}}}.
 *
 * @param status HTTP status code
 * @param code machine-readable code, stable across releases
 * @param message human-readable explanation
 */
record ApiError(int status, String code, String message) {

  /** The JSON body; the status travels in the status line. */
  record Body(Detail error) {}

  /** The {@code error} object of the body. */
  record Detail(String code, String message) {}

  Body body() {
    return new Body(new Detail(code, message));
  }
}
