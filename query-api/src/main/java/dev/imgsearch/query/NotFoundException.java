package dev.imgsearch.query;

/** A referenced image, or its bytes in the object store, does not exist. */
public class NotFoundException extends RuntimeException {

  private final String code;

  private NotFoundException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** No row with this id is in the vector store. */
  public static NotFoundException image(String id) {
    return new NotFoundException("image-not-found", "no image with id '" + id + "'");
  }

  /**
   * The row exists but its bytes cannot be served (no object store configured, or the object is
   * gone).
   */
  public static NotFoundException content(String id) {
    return new NotFoundException(
        "content-not-found", "no content available for image '" + id + "'");
  }

  /** No object or face with this id is stored. */
  public static NotFoundException item(String id) {
    return new NotFoundException("object-not-found", "no object or face with id '" + id + "'");
  }

  /** No watch with this id is in the watches view. */
  public static NotFoundException watch(String id) {
    return new NotFoundException("watch-not-found", "no watch with id '" + id + "'");
  }

  /** The machine-readable error code returned to the client. */
  public String code() {
    return code;
  }
}
