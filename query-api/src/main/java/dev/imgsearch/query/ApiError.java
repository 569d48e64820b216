package dev.imgsearch.query;

/**
 * An error response: HTTP status plus the JSON body {@code {"error":"<code>","message":"..."}}.
 *
 * @param status HTTP status code
 * @param error machine-readable code, stable across releases
 * @param message human-readable explanation
 */
record ApiError(int status, String error, String message) {

  /** The JSON body; the status travels in the status line. */
  record Body(String error, String message) {}

  Body body() {
    return new Body(error, message);
  }
}
