package dev.imgsearch.query;

/**
 * A query the caller got wrong: a bad parameter, a malformed JSON body or a vector of the wrong
 * dimension.
 */
public class InvalidQueryException extends RuntimeException {

  /** A query parameter or JSON field is missing, unparseable or out of range. */
  public static final String INVALID_PARAMETER = "invalid-parameter";

  /** The JSON body cannot be read into the expected shape. */
  public static final String INVALID_JSON = "invalid-json";

  /** A query vector does not have the collection's dimension. */
  public static final String WRONG_DIMENSION = "wrong-dimension";

  private final String code;

  public InvalidQueryException(String code, String message) {
    super(message);
    this.code = code;
  }

  /**
   * A bad query parameter or JSON field ({@link #INVALID_PARAMETER}), {@code message} saying how.
   */
  public static InvalidQueryException parameter(String message) {
    return new InvalidQueryException(INVALID_PARAMETER, message);
  }

  /** The machine-readable error code returned to the client. */
  public String code() {
    return code;
  }
}
