package dev.imgsearch.embedder.image;

/**
 * An input that cannot be embedded, with a machine-readable reason for the dead-letter topic or the
 * HTTP 4xx.
 */
public class ImageRejectedException extends Exception {

  /** Why an image was rejected. */
  public enum Reason {
    EMPTY("empty"),
    TOO_LARGE("too-large"),
    TOO_MANY_PIXELS("too-many-pixels"),
    /** Longer side / shorter side over {@link DecodeLimits#maxAspectRatio()}. */
    ASPECT_RATIO("aspect-ratio"),
    /** Cannot be decoded within {@link DecodeLimits#maxRasterBytes()} at a usable size. */
    RASTER_TOO_LARGE("raster-too-large"),
    UNSUPPORTED_FORMAT("unsupported-format"),
    CORRUPT("corrupt");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The short code used in dead-letter headers and API errors. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
