package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BUCKET;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_HAS_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_KEY;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_MODEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SCENE_OF;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SCENE_START;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.CollectionSpec.PHASH_BITS;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conversions between the store's types and Milvus rows: a {@link VectorRecord} to the JSON row of
 * the main collection and of the perceptual-hash companion, and the entities the server returns
 * (field name → value) to records and hits. Pure.
 *
 * <p>Rows always hold the {@link MilvusSchemas#SCENE_FIELDS}; the SDK sends only the fields of the
 * collection's schema (it has no dynamic field), so into a collection created before them the rows
 * go without (and a writer on an alias keeps working when the alias moves between the two layouts).
 * Reads ask for them only where the collection has them ({@link #hitFields}, {@link #allFields});
 * an entity without them is a row without a scene.
 */
final class MilvusRows {
  /**
   * The fields a hit shows (and the companion holds next to id and hash), without the scene fields.
   */
  private static final List<String> HIT_FIELDS =
      List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_CAPTURED_AT, FIELD_TAGS);

  /** Every field of the main collection but the scene fields. */
  private static final List<String> ALL_FIELDS =
      List.of(
          FIELD_ID,
          FIELD_VECTOR,
          FIELD_BUCKET,
          FIELD_KEY,
          FIELD_SOURCE,
          FIELD_CAPTURED_AT,
          FIELD_TAGS,
          FIELD_MODEL,
          FIELD_PHASH,
          FIELD_HAS_PHASH);

  private MilvusRows() {}

  /**
   * The output fields of a hit, for {@link #hit}: {@link #HIT_FIELDS} and, when the collection has
   * them, the scene fields.
   */
  static List<String> hitFields(boolean scenes) {
    return withScenes(HIT_FIELDS, scenes);
  }

  /**
   * The output fields of a whole row, for {@link #record}: {@link #ALL_FIELDS} and, when the
   * collection has them, the scene fields.
   */
  static List<String> allFields(boolean scenes) {
    return withScenes(ALL_FIELDS, scenes);
  }

  private static List<String> withScenes(List<String> fields, boolean scenes) {
    if (!scenes) {
      return fields;
    }
    List<String> all = new ArrayList<>(fields);
    all.addAll(MilvusSchemas.SCENE_FIELDS);
    return List.copyOf(all);
  }

  /**
   * The main collection's row; a record without a hash gets {@code phash} 0 and {@code has_phash}
   * false.
   */
  static JsonObject row(VectorRecord r) {
    JsonObject row = new JsonObject();
    row.addProperty(FIELD_ID, r.id());
    JsonArray vector = new JsonArray(r.vector().length);
    for (float v : r.vector()) {
      vector.add(v);
    }
    row.add(FIELD_VECTOR, vector);
    addHitFields(row, r);
    row.addProperty(FIELD_MODEL, r.model());
    row.addProperty(FIELD_PHASH, r.phash() == null ? 0L : r.phash());
    row.addProperty(FIELD_HAS_PHASH, r.phash() != null);
    return row;
  }

  /** The companion's row of a record that has a hash: id, the hash bytes and the hit fields. */
  static JsonObject phashRow(VectorRecord r) {
    JsonObject row = new JsonObject();
    row.addProperty(FIELD_ID, r.id());
    JsonArray hash = new JsonArray(PHASH_BITS / 8);
    for (byte b : phashBytes(r.phash())) {
      hash.add(b);
    }
    row.add(FIELD_PHASH, hash);
    addHitFields(row, r);
    return row;
  }

  /**
   * The fields both collections return with a hit: bucket, key, source, capture time, tags and the
   * scene fields (the representative and the scene's start, or "" and 0 without a scene).
   */
  private static void addHitFields(JsonObject row, VectorRecord r) {
    row.addProperty(FIELD_BUCKET, r.bucket());
    row.addProperty(FIELD_KEY, r.key());
    row.addProperty(FIELD_SOURCE, r.source());
    row.addProperty(FIELD_CAPTURED_AT, r.capturedAtMillis());
    row.add(FIELD_TAGS, tags(r));
    row.addProperty(FIELD_SCENE_OF, r.scene() == null ? "" : r.scene().representativeId());
    row.addProperty(FIELD_SCENE_START, r.scene() == null ? 0L : r.scene().startMillis());
  }

  private static JsonArray tags(VectorRecord r) {
    JsonArray tags = new JsonArray(r.tags().size());
    r.tags().forEach(tags::add);
    return tags;
  }

  /** The id of a row made by {@link #row} or {@link #phashRow}. */
  static String id(JsonObject row) {
    return row.get(FIELD_ID).getAsString();
  }

  /** The BINARY_VECTOR(64) form of a hash: the big-endian bytes of the {@code long}. */
  static byte[] phashBytes(long phash) {
    return ByteBuffer.allocate(Long.BYTES).putLong(phash).array();
  }

  /** A generous estimate of the bytes a record's main row takes in an insert request. */
  static long estimatedBytes(VectorRecord r) {
    long text = r.textChars() + 8L * r.tags().size(); // a tag's array slot: 8 more
    if (r.scene() != null) {
      text += r.scene().representativeId().length() + 8L; // the scene's start: 8 more
    }
    return 4L * r.vector().length + 3 * text + 64;
  }

  /** The same estimate for its companion row: the 8 hash bytes instead of the vector. */
  static long estimatedPhashBytes(VectorRecord r) {
    return estimatedBytes(r) - 4L * r.vector().length + PHASH_BITS / 8;
  }

  /** The stored record of a main-collection entity read with {@link #allFields}. */
  static VectorRecord record(Map<String, Object> e) {
    return new VectorRecord(
        String.valueOf(e.get(FIELD_ID)),
        vector(e),
        text(e, FIELD_BUCKET),
        text(e, FIELD_KEY),
        text(e, FIELD_SOURCE),
        ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
        strings(e.get(FIELD_TAGS)),
        text(e, FIELD_MODEL),
        Boolean.TRUE.equals(e.get(FIELD_HAS_PHASH))
            ? ((Number) e.get(FIELD_PHASH)).longValue()
            : null,
        scene(e),
        List.of());
  }

  /** The {@code vector} field of an entity. */
  static float[] vector(Map<String, Object> e) {
    List<?> components = (List<?>) e.get(FIELD_VECTOR);
    float[] vector = new float[components.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = ((Number) components.get(i)).floatValue();
    }
    return vector;
  }

  /** A vector-search hit from an entity read with {@link #hitFields}. */
  static SearchHit hit(String id, float score, Map<String, Object> e) {
    return new SearchHit(
        id,
        score,
        text(e, FIELD_BUCKET),
        text(e, FIELD_KEY),
        text(e, FIELD_SOURCE),
        ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
        strings(e.get(FIELD_TAGS)),
        null,
        scene(e));
  }

  /**
   * The scene of an entity: null when it has no (or an empty) {@code scene_of}, as rows of frames
   * embedded themselves and entities of collections without the scene fields.
   */
  static SceneRef scene(Map<String, Object> e) {
    Object of = e.get(FIELD_SCENE_OF);
    Object start = e.get(FIELD_SCENE_START);
    return SceneRef.of(
        of == null ? null : of.toString(),
        start instanceof Number n ? Long.valueOf(n.longValue()) : null);
  }

  /** A near-duplicate hit from a companion entity read with {@link #hitFields}. */
  static SearchHit duplicate(String id, int distance, Map<String, Object> e) {
    return hit(id, 0f, e).asDuplicate(distance);
  }

  private static String text(Map<String, Object> entity, String field) {
    Object value = entity.get(field);
    return value == null ? "" : value.toString();
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).toList();
  }
}
