package dev.imgsearch.indexer.store;

import dev.imgsearch.schemas.FieldLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What every store accepts of an image's detected objects and faces, checked before anything is
 * written (like {@link RecordValidation} for the image row), and the mapping from the Avro form on
 * the embeddings topic. Pure.
 */
public final class DetectedItems {
  /**
   * Face descriptor dimension when the store is not told another: the bundled face descriptor
   * (FaceRes, 1024-d).
   */
  public static final int DEFAULT_FACE_DIMENSION = 1024;

  private DetectedItems() {}

  /**
   * Throws {@link RecordRejectedException} (reason {@link FieldLimits#REASON} or {@link
   * RecordValidation#INVALID_VECTOR}) when {@code record}'s items cannot be stored: too many, a
   * field over its limit, a duplicate (kind, index), or a vector of the wrong dimension for its
   * kind.
   */
  public static void check(VectorRecord record, int objectDimension, int faceDimension) {
    List<DetectedItem> items = record.items();
    String v = FieldLimits.itemCountViolation(items.size());
    if (v != null) {
      throw new RecordRejectedException(record.id(), FieldLimits.REASON, v);
    }
    Set<String> seen = new HashSet<>();
    for (DetectedItem item : items) {
      v =
          FieldLimits.itemViolation(
              item.index(), item.label(), item.score(), boxList(item.box()), item.model());
      if (v == null && !seen.add(item.id(""))) {
        v = "two " + item.kind() + " items with index " + item.index();
      }
      if (v != null) {
        throw new RecordRejectedException(record.id(), FieldLimits.REASON, v);
      }
      int dimension = item.kind() == DetectedItem.Kind.OBJECT ? objectDimension : faceDimension;
      v = RecordValidation.vectorViolation(item.vector(), dimension);
      if (v != null) {
        throw new RecordRejectedException(
            record.id(),
            RecordValidation.INVALID_VECTOR,
            item.kind() + " " + item.index() + ": " + v);
      }
    }
  }

  /** The items of an embedding on the topic (null: none). */
  public static List<DetectedItem> fromAvro(List<dev.imgsearch.schemas.avro.DetectedItem> objects) {
    if (objects == null) {
      return List.of();
    }
    List<DetectedItem> out = new ArrayList<>(objects.size());
    for (var o : objects) {
      out.add(
          new DetectedItem(
              DetectedItem.Kind.valueOf(o.getKind().name()),
              o.getIndex(),
              str(o.getLabel()),
              o.getClassId(),
              o.getScore(),
              floats(o.getBox()),
              str(o.getModel()),
              floats(o.getVector())));
    }
    return out;
  }

  /** The Avro form of {@code items}, for the embeddings topic. */
  public static List<dev.imgsearch.schemas.avro.DetectedItem> toAvro(List<DetectedItem> items) {
    List<dev.imgsearch.schemas.avro.DetectedItem> out = new ArrayList<>(items.size());
    for (DetectedItem i : items) {
      out.add(
          dev.imgsearch.schemas.avro.DetectedItem.newBuilder()
              .setKind(dev.imgsearch.schemas.avro.DetectedKind.valueOf(i.kind().name()))
              .setIndex(i.index())
              .setLabel(i.label())
              .setClassId(i.classId())
              .setScore(i.score())
              .setBox(boxList(i.box()))
              .setModel(i.model())
              .setVector(boxList(i.vector()))
              .build());
    }
    return out;
  }

  private static List<Float> boxList(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float f : values) {
      out.add(f);
    }
    return out;
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values == null ? 0 : values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static String str(CharSequence s) {
    return s == null ? null : s.toString();
  }
}
