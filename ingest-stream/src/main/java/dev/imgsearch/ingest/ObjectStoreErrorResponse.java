package dev.imgsearch.ingest;

/**
 * The object store answered a write with an error: HTTP status and S3 error code (null when the
 * answer had none, e.g. a non-XML body from a proxy). {@link MinioObjectStore} turns the SDK's
 * exceptions into this, so that {@link ObjectStoreFailures} decides without the SDK.
 */
public class ObjectStoreErrorResponse extends Exception {
  private final int status;
  private final String code;

  public ObjectStoreErrorResponse(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ObjectStoreErrorResponse(int status, String code, String message, Throwable cause) {
    super(
        "S3 error "
            + (code == null || code.isEmpty() ? "(no code)" : code)
            + " (HTTP "
            + status
            + ")"
            + (message == null || message.isEmpty() ? "" : ": " + message),
        cause);
    this.status = status;
    this.code = code == null || code.isEmpty() ? null : code;
  }

  public int status() {
    return status;
  }

  /**
   * The S3 error code, e.g. {@code InvalidArgument}, {@code SlowDown}; null when the answer had
   * none.
   */
  public String code() {
    return code;
  }
}
