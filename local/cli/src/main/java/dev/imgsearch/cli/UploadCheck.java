package dev.imgsearch.cli;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Decisions of a resumable upload. Pure.
 *
 * <ul>
 *   <li>An object already in the bucket is skipped when its size equals the file's and, for a
 *       single-part upload (the eTag is then the MD5 of the content), its eTag equals the file's
 *       MD5. A multipart eTag ({@code <md5-of-md5s>-<parts>}) depends on the part size, so there
 *       the size alone decides.
 *   <li>Only infrastructure failures (I/O, 5xx) are worth retrying; an error answer from the store
 *       is final.
 * </ul>
 */
final class UploadCheck {
  private UploadCheck() {}

  /** What the bucket holds under a key. */
  record Stored(long size, String etag) {}

  /**
   * Whether {@code local} bytes are already stored.
   *
   * @param md5Hex computes the file's MD5 (lower-case hex); only called when the sizes match and
   *     the eTag is single-part
   */
  static boolean alreadyUploaded(long localSize, Supplier<String> md5Hex, Stored stored) {
    if (stored == null || stored.size() != localSize) {
      return false;
    }
    String etag = normalEtag(stored.etag());
    if (etag.isEmpty()) {
      return false;
    }
    if (etag.contains("-")) {
      return true; // multipart: the eTag is not the content's MD5
    }
    return etag.equals(md5Hex.get().toLowerCase(Locale.ROOT));
  }

  /** An eTag without quotes, lower case. */
  static String normalEtag(String etag) {
    if (etag == null) {
      return "";
    }
    String e = etag.strip();
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e.toLowerCase(Locale.ROOT);
  }

  /** Whether a failed upload may succeed when tried again: I/O trouble or a 5xx, not a refusal. */
  static boolean retriable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ErrorResponseException) {
        return false;
      }
      if (t instanceof ServerException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
