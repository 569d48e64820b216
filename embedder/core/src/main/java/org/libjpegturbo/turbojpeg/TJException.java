package org.libjpegturbo.turbojpeg;

import java.io.IOException;

/**
 * An error or warning from libturbojpeg, thrown by its JNI code (which looks this class up by name
 * and calls the {@code (String, int)} constructor). Same name and API subset as the official
 * TurboJPEG Java API; see {@link TJDecompressor} for why the project carries its own copy of the
 * binding.
 */
public class TJException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code TJERR_WARNING}: the image was decoded, with a warning (e.g. "Premature end of JPEG
   * file").
   */
  public static final int WARNING = 0;

  /** {@code TJERR_FATAL}: nothing usable was produced. */
  public static final int FATAL = 1;

  private final int errorCode;

  public TJException(String message) {
    this(message, FATAL);
  }

  public TJException(String message, int errorCode) {
    super(message);
    this.errorCode = errorCode;
  }

  /** {@link #WARNING} or {@link #FATAL}. */
  public int getErrorCode() {
    return errorCode;
  }
}
