package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BOX;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BUCKET;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CLASS_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ITEM_INDEX;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_KEY;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_LABEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_MODEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PARENT_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SCORE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of the item collections ({@link MilvusSchemas#items}) and what is computed from them here:
 * the JSON row of an item, the stored item of an entity, filter expressions, the exact ranking of a
 * filtered search and the one-hit-per-image, newest-first page of {@code imagesWithClass}. Pure.
 */
final class MilvusItemRows {
  /** Every field but the vector (hits, listings). */
  static final List<String> FIELDS =
      List.of(
          FIELD_ID,
          FIELD_PARENT_ID,
          FIELD_BUCKET,
          FIELD_KEY,
          FIELD_SOURCE,
          FIELD_CAPTURED_AT,
          FIELD_TAGS,
          FIELD_LABEL,
          FIELD_CLASS_ID,
          FIELD_ITEM_INDEX,
          FIELD_SCORE,
          FIELD_BOX,
          FIELD_MODEL);

  /** Every field with the vector. */
  static final List<String> ALL_FIELDS = with(FIELDS, FIELD_VECTOR);

  private MilvusItemRows() {}

  private static List<String> with(List<String> fields, String more) {
    List<String> out = new ArrayList<>(fields);
    out.add(more);
    return List.copyOf(out);
  }

  static JsonObject row(VectorRecord r, DetectedItem item) {
    JsonObject row = new JsonObject();
    row.addProperty(FIELD_ID, item.id(r.id()));
    row.addProperty(FIELD_PARENT_ID, r.id());
    row.add(FIELD_VECTOR, floats(item.vector()));
    row.addProperty(FIELD_BUCKET, r.bucket());
    row.addProperty(FIELD_KEY, r.key());
    row.addProperty(FIELD_SOURCE, r.source());
    row.addProperty(FIELD_CAPTURED_AT, r.capturedAtMillis());
    JsonArray tags = new JsonArray(r.tags().size());
    r.tags().forEach(tags::add);
    row.add(FIELD_TAGS, tags);
    row.addProperty(FIELD_LABEL, item.label());
    row.addProperty(FIELD_CLASS_ID, item.classId());
    row.addProperty(FIELD_ITEM_INDEX, item.index());
    row.addProperty(FIELD_SCORE, item.score());
    row.add(FIELD_BOX, floats(item.box()));
    row.addProperty(FIELD_MODEL, item.model());
    return row;
  }

  /** A generous estimate of the bytes of an item's row in an insert request. */
  static long estimatedBytes(VectorRecord r, DetectedItem item) {
    long text =
        2L * r.id().length()
            + r.bucket().length()
            + r.key().length()
            + r.source().length()
            + item.label().length()
            + item.model().length();
    for (String tag : r.tags()) {
      text += tag.length() + 8;
    }
    return 12L * item.vector().length + 3 * text + 160;
  }

  /**
   * The stored item of an entity read with {@link #FIELDS} (no vector: an empty one) or {@link
   * #ALL_FIELDS}.
   */
  static StoredItem stored(DetectedItem.Kind kind, Map<String, Object> e) {
    Object v = e.get(FIELD_VECTOR);
    DetectedItem item =
        new DetectedItem(
            kind,
            number(e, FIELD_ITEM_INDEX).intValue(),
            text(e, FIELD_LABEL),
            number(e, FIELD_CLASS_ID).intValue(),
            number(e, FIELD_SCORE).floatValue(),
            floats(e.get(FIELD_BOX)),
            text(e, FIELD_MODEL),
            v == null ? new float[0] : floats(v));
    return new StoredItem(
        text(e, FIELD_PARENT_ID),
        text(e, FIELD_BUCKET),
        text(e, FIELD_KEY),
        text(e, FIELD_SOURCE),
        number(e, FIELD_CAPTURED_AT).longValue(),
        item);
  }

  /** The expression of an item filter, or "" when it restricts nothing. */
  static String expression(ItemFilter filter) {
    String image = MilvusFilterExpressions.of(filter.image());
    String labels =
        filter.labels().isEmpty() ? "" : MilvusFilterExpressions.in(FIELD_LABEL, filter.labels());
    return image.isEmpty() ? labels : labels.isEmpty() ? image : image + " and " + labels;
  }

  /** {@code parent_id in [..]}. */
  static String parentIn(java.util.Collection<String> imageIds) {
    return MilvusFilterExpressions.in(FIELD_PARENT_ID, imageIds);
  }

  /**
   * The {@code k} entities (read with {@link #ALL_FIELDS}) nearest to {@code query} by cosine, best
   * first.
   */
  static List<ItemHit> rank(
      DetectedItem.Kind kind, float[] query, int k, List<Map<String, Object>> entities) {
    List<ItemHit> hits = new ArrayList<>(entities.size());
    for (Map<String, Object> e : entities) {
      StoredItem s = stored(kind, e);
      hits.add(new ItemHit(s, cosine(query, s.item().vector())));
    }
    hits.sort(
        Comparator.comparing(ItemHit::similarity).reversed().thenComparing(h -> h.stored().id()));
    return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
  }

  /**
   * One hit per image (its best-scoring item, the detector score as similarity), newest capture
   * time first, ties by image id; then the page {@code offset}, {@code limit}.
   */
  static List<ItemHit> imagesNewestFirst(List<StoredItem> items, int offset, int limit) {
    Map<String, StoredItem> best = new LinkedHashMap<>();
    for (StoredItem s : items) {
      best.merge(s.parentId(), s, (a, b) -> b.item().score() > a.item().score() ? b : a);
    }
    return best.values().stream()
        .sorted(
            Comparator.comparingLong(StoredItem::capturedAtMillis)
                .reversed()
                .thenComparing(StoredItem::parentId))
        .skip(offset)
        .limit(limit)
        .map(s -> new ItemHit(s, s.item().score()))
        .toList();
  }

  static float cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
  }

  private static JsonArray floats(float[] values) {
    JsonArray out = new JsonArray(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  private static float[] floats(Object value) {
    List<?> list = value instanceof List<?> l ? l : List.of();
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).floatValue();
    }
    return out;
  }

  private static Number number(Map<String, Object> e, String field) {
    return (Number) e.get(field);
  }

  private static String text(Map<String, Object> e, String field) {
    Object value = e.get(field);
    return value == null ? "" : value.toString();
  }
}
