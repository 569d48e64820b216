package dev.imgsearch.indexer;

import dev.imgsearch.indexer.store.VectorRecord;
import java.util.Objects;

/**
 * One change to apply to the index: upsert a row, or delete the row of an image id.
 *
 * @param eventTimeMillis when the object store saw the change (the image event's {@code
 *     eventTimeMillis}), for the sink's end-to-end freshness metric; 0 or negative = unknown (not
 *     measured)
 */
public record IndexAction(Op op, String id, VectorRecord record, long eventTimeMillis) {
  /** Kind of change. */
  public enum Op {
    UPSERT,
    DELETE
  }

  public IndexAction {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(id, "id");
    if (op == Op.UPSERT && (record == null || !record.id().equals(id))) {
      throw new IllegalArgumentException("an upsert needs a record with the same id");
    }
  }

  /** A change without an event time. */
  public IndexAction(Op op, String id, VectorRecord record) {
    this(op, id, record, 0L);
  }

  public static IndexAction upsert(VectorRecord record) {
    return upsert(record, 0L);
  }

  /** An upsert of an upload the object store saw at {@code eventTimeMillis}. */
  public static IndexAction upsert(VectorRecord record, long eventTimeMillis) {
    return new IndexAction(Op.UPSERT, record.id(), record, eventTimeMillis);
  }

  public static IndexAction delete(String id) {
    return delete(id, 0L);
  }

  /** A delete of an image the object store saw removed at {@code eventTimeMillis}. */
  public static IndexAction delete(String id, long eventTimeMillis) {
    return new IndexAction(Op.DELETE, id, null, eventTimeMillis);
  }
}
