package dev.imgsearch.query;

/**
 * The stored image's bytes live in a bucket this API does not serve ({@link AllowedBuckets}): 403
 * {@value #CODE}.
 */
public class ContentForbiddenException extends RuntimeException {

  public static final String CODE = "content-forbidden";

  public ContentForbiddenException(String message) {
    super(message);
  }
}
