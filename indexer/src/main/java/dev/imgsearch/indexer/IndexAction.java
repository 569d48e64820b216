package dev.imgsearch.indexer;

import dev.imgsearch.indexer.store.VectorRecord;
import java.util.Objects;

/** One change to apply to the index: upsert a row, or delete the row of an image id. */
public record IndexAction(Op op, String id, VectorRecord record) {
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

  public static IndexAction upsert(VectorRecord record) {
    return new IndexAction(Op.UPSERT, record.id(), record);
  }

  public static IndexAction delete(String id) {
    return new IndexAction(Op.DELETE, id, null);
  }
}
