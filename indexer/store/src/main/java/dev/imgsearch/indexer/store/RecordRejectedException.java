package dev.imgsearch.indexer.store;

/**
 * A store refuses one record for what it is (its fields over the {@link
 * dev.imgsearch.schemas.FieldLimits}, a vector of the wrong dimension or with non-finite
 * components), not because of the store's state: repeating the call cannot succeed. Carries the
 * record's id and a dead-letter reason so a caller can set that record aside and write the rest.
 */
public final class RecordRejectedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final String reason;

  public RecordRejectedException(String id, String reason, String message) {
    super(id + ": " + message);
    this.id = id;
    this.reason = reason;
  }

  /** The id of the rejected record. */
  public String id() {
    return id;
  }

  /** Dead-letter reason code, e.g. {@link dev.imgsearch.schemas.FieldLimits#REASON}. */
  public String reason() {
    return reason;
  }
}
