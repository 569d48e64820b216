package dev.imgsearch.indexer.store;

import dev.imgsearch.schemas.FieldLimits;
import java.util.Objects;

/**
 * What every store accepts, checked the same way before anything is written: the id and the text
 * fields within {@link FieldLimits} (the Milvus column sizes; the embedded store keeps to them too,
 * so both stores agree on what they accept), and a finite vector of the collection's dimension.
 * Pure.
 */
public final class RecordValidation {
  /** Dead-letter reason of a vector of the wrong dimension or with non-finite components. */
  public static final String INVALID_VECTOR = "invalid-vector";

  private RecordValidation() {}

  /**
   * Why {@code record} cannot be stored: {@link FieldLimits#REASON} and the detail, or null when it
   * can.
   */
  public static String fieldViolation(VectorRecord record) {
    String v = FieldLimits.idViolation(record.id());
    if (v == null) {
      v = FieldLimits.violation(record.bucket(), record.key(), record.source(), record.tags());
    }
    if (v == null && FieldLimits.utf8Length(record.model()) > FieldLimits.MAX_TEXT_BYTES) {
      v =
          "model of "
              + FieldLimits.utf8Length(record.model())
              + " UTF-8 bytes, at most "
              + FieldLimits.MAX_TEXT_BYTES;
    }
    return v;
  }

  /** Why {@code vector} cannot be stored in a collection of {@code dimension}, or null. */
  public static String vectorViolation(float[] vector, int dimension) {
    if (vector.length != dimension) {
      return "vector has dimension " + vector.length + ", the collection has " + dimension;
    }
    for (float x : vector) {
      if (!Float.isFinite(x)) {
        return "vector has a non-finite component";
      }
    }
    return null;
  }

  /**
   * Throws {@link RecordRejectedException} (reason {@link FieldLimits#REASON} or {@link
   * #INVALID_VECTOR}) when {@code record} cannot be stored in a collection of {@code dimension}.
   */
  public static void check(VectorRecord record, int dimension) {
    Objects.requireNonNull(record, "record");
    String v = fieldViolation(record);
    if (v != null) {
      throw new RecordRejectedException(record.id(), FieldLimits.REASON, v);
    }
    v = vectorViolation(record.vector(), dimension);
    if (v != null) {
      throw new RecordRejectedException(record.id(), INVALID_VECTOR, v);
    }
  }
}
