package dev.imgsearch.schemas.minio;

/**
 * A notification that cannot be turned into image events; the message is the dead-letter reason
 * detail.
 */
public class MalformedNotificationException extends RuntimeException {
  public MalformedNotificationException(String message) {
    super(message);
  }

  public MalformedNotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
