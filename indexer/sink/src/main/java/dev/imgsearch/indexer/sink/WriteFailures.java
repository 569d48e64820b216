package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.store.RecordRejectedException;
import java.util.Locale;

/**
 * What a failed store write means for the records in it. Pure.
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: the store is unavailable or overloaded ({@link
 *       RetryPolicy#isTransient}); retried with backoff, and when the policy gives up the job fails
 *       and restarts from its checkpoint (nothing is lost).
 *   <li>{@link Kind#REFUSED}: the store refuses what it was sent ({@link IllegalArgumentException}
 *       anywhere in the causes, e.g. {@link RecordRejectedException}; Milvus {@code
 *       INVALID_PARAMS}; gRPC {@code INVALID_ARGUMENT}): repeating it cannot succeed, so the
 *       refused record is isolated and dead-lettered.
 *   <li>{@link Kind#UNKNOWN}: anything else; retried a bounded number of times, then handled like a
 *       refusal.
 * </ul>
 */
public final class WriteFailures {
  /** Dead-letter reason of a record the store refused without saying why in a known way. */
  public static final String STORE_REJECTED = "store-rejected";

  /** Dead-letter reason of a record whose write kept failing with an unclassified error. */
  public static final String STORE_ERROR = "store-error";

  /** The kind of a write failure. */
  public enum Kind {
    TRANSIENT,
    REFUSED,
    UNKNOWN
  }

  private WriteFailures() {}

  public static Kind classify(Throwable error) {
    if (RetryPolicy.isTransient(error)) {
      return Kind.TRANSIENT;
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return Kind.REFUSED;
      }
      String type = t.getClass().getName();
      String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
      if (type.equals("io.milvus.v2.exception.MilvusClientException")
          && "INVALID_PARAMS".equals(RetryPolicy.milvusErrorCode(t))) {
        return Kind.REFUSED;
      }
      if ((type.endsWith("StatusRuntimeException") || type.endsWith("StatusException"))
          && message.startsWith("INVALID_ARGUMENT")) {
        return Kind.REFUSED;
      }
    }
    return Kind.UNKNOWN;
  }

  /**
   * The record the store named as refused ({@link RecordRejectedException} among the causes), or
   * null.
   */
  public static RecordRejectedException rejectedRecord(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RecordRejectedException r) {
        return r;
      }
    }
    return null;
  }

  /** The dead-letter reason for a record that failed with {@code error}. */
  public static String reason(Throwable error) {
    RecordRejectedException r = rejectedRecord(error);
    if (r != null) {
      return r.reason();
    }
    return classify(error) == Kind.REFUSED ? STORE_REJECTED : STORE_ERROR;
  }
}
