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
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_ID_LENGTH;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TEXT_LENGTH;
import static dev.imgsearch.indexer.store.CollectionSpec.PARTITION_KEY_FIELD;
import static dev.imgsearch.indexer.store.CollectionSpec.PHASH_BITS;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The layout of the store's two collections, and the check that an existing collection has it.
 * Pure: builds and compares schema objects, no server calls.
 */
final class MilvusSchemas {
  /**
   * Scene-change gating's reference, in both collections: {@code scene_of} VARCHAR (the
   * representative's id, empty when the frame was embedded itself) and {@code scene_start} INT64
   * (its capture time, 0 then). Optional in an existing collection: one created before them has
   * neither and is used without them ({@link #check} says which).
   */
  static final List<String> SCENE_FIELDS = List.of(FIELD_SCENE_OF, FIELD_SCENE_START);

  private MilvusSchemas() {}

  /**
   * The main collection: {@code id} VARCHAR primary key without autoID, {@code vector}
   * FLOAT_VECTOR(dimension), the hit fields, {@code model}, {@code phash} INT64, {@code has_phash}
   * BOOL and the {@link #SCENE_FIELDS}.
   */
  static CreateCollectionReq.CollectionSchema main(CollectionSpec spec) {
    CreateCollectionReq.CollectionSchema schema = MilvusClientV2.CreateSchema();
    addId(schema, MAX_ID_LENGTH);
    addVector(schema, spec.dimension());
    addHitFields(schema);
    addVarChar(schema, FIELD_MODEL, MAX_TEXT_LENGTH);
    addField(schema, FIELD_PHASH, DataType.Int64);
    addField(schema, FIELD_HAS_PHASH, DataType.Bool);
    addSceneFields(schema);
    return schema;
  }

  /**
   * The companion collection: id, the hash as BINARY_VECTOR(64) and the fields hits show and
   * filters use, the {@link #SCENE_FIELDS} included.
   */
  static CreateCollectionReq.CollectionSchema phash() {
    CreateCollectionReq.CollectionSchema schema = MilvusClientV2.CreateSchema();
    addId(schema, MAX_ID_LENGTH);
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_PHASH)
            .dataType(DataType.BinaryVector)
            .dimension(PHASH_BITS)
            .build());
    addHitFields(schema);
    addSceneFields(schema);
    return schema;
  }

  /** {@link #SCENE_FIELDS}: VARCHAR of the id's max length and INT64. */
  private static void addSceneFields(CreateCollectionReq.CollectionSchema schema) {
    addVarChar(schema, FIELD_SCENE_OF, MAX_ID_LENGTH);
    addField(schema, FIELD_SCENE_START, DataType.Int64);
  }

  /** {@code id}: the VARCHAR primary key, without autoID. */
  private static void addId(CreateCollectionReq.CollectionSchema schema, int maxLength) {
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_ID)
            .dataType(DataType.VarChar)
            .maxLength(maxLength)
            .isPrimaryKey(true)
            .autoID(false)
            .build());
  }

  /** {@code vector}: FLOAT_VECTOR({@code dimension}). */
  private static void addVector(CreateCollectionReq.CollectionSchema schema, int dimension) {
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_VECTOR)
            .dataType(DataType.FloatVector)
            .dimension(dimension)
            .build());
  }

  private static void addVarChar(
      CreateCollectionReq.CollectionSchema schema, String field, int maxLength) {
    schema.addField(
        AddFieldReq.builder()
            .fieldName(field)
            .dataType(DataType.VarChar)
            .maxLength(maxLength)
            .build());
  }

  /** A scalar field. */
  private static void addField(
      CreateCollectionReq.CollectionSchema schema, String field, DataType type) {
    schema.addField(AddFieldReq.builder().fieldName(field).dataType(type).build());
  }

  /** bucket, key, source (the partition key), captured_at, tags. */
  private static void addHitFields(CreateCollectionReq.CollectionSchema schema) {
    for (String field : List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE)) {
      schema.addField(
          AddFieldReq.builder()
              .fieldName(field)
              .dataType(DataType.VarChar)
              .maxLength(MAX_TEXT_LENGTH)
              .isPartitionKey(field.equals(PARTITION_KEY_FIELD))
              .build());
    }
    addField(schema, FIELD_CAPTURED_AT, DataType.Int64);
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_TAGS)
            .dataType(DataType.Array)
            .elementType(DataType.VarChar)
            .maxLength(MAX_TEXT_LENGTH)
            .maxCapacity(MAX_TAGS)
            .build());
  }

  /**
   * Fails with {@link IllegalStateException} when the existing collection {@code name} (described
   * by {@code description}) does not have the {@code expected} layout: first a vector dimension
   * other than the spec's (main collection only), then every missing or differently typed field, a
   * binary dimension or partition key that differs, and a primary key other than {@code id} without
   * autoID, all named in one message. The {@link #SCENE_FIELDS} are optional as a pair: a
   * collection with neither passes (created before them), one with only one of them does not.
   *
   * @return whether the collection has the scene fields (keeps scene references)
   */
  static boolean check(
      String name,
      CollectionSpec spec,
      CreateCollectionReq.CollectionSchema expected,
      DescribeCollectionResp description) {
    Map<String, CreateCollectionReq.FieldSchema> fields = new LinkedHashMap<>();
    description.getCollectionSchema().getFieldSchemaList().forEach(f -> fields.put(f.getName(), f));
    CreateCollectionReq.FieldSchema vector = fields.get(FIELD_VECTOR);
    if (name.equals(spec.name())
        && vector != null
        && vector.getDataType() == DataType.FloatVector
        && !Objects.equals(vector.getDimension(), spec.dimension())) {
      throw new IllegalStateException(
          "Milvus collection '"
              + name
              + "' has vector dimension "
              + vector.getDimension()
              + " but this store expects dimension "
              + spec.dimension()
              + "; use another collection name or drop the collection and re-index");
    }
    boolean scenes = SCENE_FIELDS.stream().anyMatch(fields::containsKey);
    List<String> mismatches = new ArrayList<>();
    for (CreateCollectionReq.FieldSchema want : expected.getFieldSchemaList()) {
      if (!scenes && SCENE_FIELDS.contains(want.getName())) {
        continue; // created before scene references: used without them
      }
      String mismatch = mismatch(want, fields.get(want.getName()));
      if (mismatch != null) {
        mismatches.add(mismatch);
      }
    }
    if (!FIELD_ID.equals(description.getPrimaryFieldName())
        || Boolean.TRUE.equals(description.getAutoID())) {
      mismatches.add("primary key must be " + FIELD_ID + " without autoID");
    }
    if (!mismatches.isEmpty()) {
      throw new IllegalStateException(
          "Milvus collection '"
              + name
              + "' does not match this store's layout: "
              + String.join(", ", mismatches)
              + "; use another collection name or re-index into a new collection");
    }
    return scenes;
  }

  /**
   * The warning for collections without the {@link #SCENE_FIELDS} ({@code mainScenes}, {@code
   * companionScenes}: what {@link #check} said of the main collection and its companion), or empty
   * when both keep scene references.
   */
  static Optional<String> sceneWarning(
      CollectionSpec spec, boolean mainScenes, boolean companionScenes) {
    List<String> without = new ArrayList<>();
    if (!mainScenes) {
      without.add("'" + spec.name() + "'");
    }
    if (!companionScenes) {
      without.add("'" + spec.phashCollectionName() + "'");
    }
    if (without.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        (without.size() == 1 ? "Milvus collection " : "Milvus collections ")
            + String.join(" and ", without)
            + (without.size() == 1 ? " predates" : " predate")
            + " the scene fields ("
            + String.join(", ", SCENE_FIELDS)
            + "): scene references of gated frames are not kept ("
            + (mainScenes ? "near-duplicate hits" : "hits")
            + " carry no scene); a re-index into a new collection (the alias re-index,"
            + " imgsearch reindex --alias) adds them");
  }

  /** How {@code actual} differs from {@code expected}, or null when it does not. */
  private static String mismatch(
      CreateCollectionReq.FieldSchema expected, CreateCollectionReq.FieldSchema actual) {
    if (actual == null) {
      return expected.getName() + " missing";
    }
    if (actual.getDataType() != expected.getDataType()
        || (expected.getDataType() == DataType.Array
            && actual.getElementType() != expected.getElementType())) {
      return expected.getName()
          + " is "
          + actual.getDataType()
          + " instead of "
          + expected.getDataType();
    }
    if (expected.getDataType() == DataType.BinaryVector
        && !Objects.equals(actual.getDimension(), expected.getDimension())) {
      return expected.getName()
          + " has dimension "
          + actual.getDimension()
          + " instead of "
          + expected.getDimension();
    }
    boolean partitionKey = Boolean.TRUE.equals(expected.getIsPartitionKey());
    if (partitionKey != Boolean.TRUE.equals(actual.getIsPartitionKey())) {
      return expected.getName()
          + (partitionKey ? " is not the partition key" : " is a partition key");
    }
    return null;
  }

  // ---- detected objects and faces ----

  /**
   * An item collection ({@code <name>_objects} or {@code <name>_faces}): {@code id} VARCHAR primary
   * key without autoID (the item id, {@code <image id>.o3}), {@code parent_id} VARCHAR, {@code
   * vector} FLOAT_VECTOR({@code dimension}), the image's hit fields ({@code source} the partition
   * key, as in the image collection), {@code label} VARCHAR, {@code class_id} and {@code
   * item_index} INT32, {@code score} FLOAT, {@code box} ARRAY of 4 FLOATs and {@code model}.
   */
  static CreateCollectionReq.CollectionSchema items(int dimension) {
    CreateCollectionReq.CollectionSchema schema = MilvusClientV2.CreateSchema();
    addId(schema, dev.imgsearch.schemas.FieldLimits.MAX_ITEM_ID_BYTES);
    addVarChar(schema, CollectionSpec.FIELD_PARENT_ID, MAX_ID_LENGTH);
    addVector(schema, dimension);
    addHitFields(schema);
    addVarChar(
        schema, CollectionSpec.FIELD_LABEL, dev.imgsearch.schemas.FieldLimits.MAX_LABEL_BYTES);
    addField(schema, CollectionSpec.FIELD_CLASS_ID, DataType.Int32);
    addField(schema, CollectionSpec.FIELD_ITEM_INDEX, DataType.Int32);
    addField(schema, CollectionSpec.FIELD_SCORE, DataType.Float);
    schema.addField(
        AddFieldReq.builder()
            .fieldName(CollectionSpec.FIELD_BOX)
            .dataType(DataType.Array)
            .elementType(DataType.Float)
            .maxCapacity(4)
            .build());
    addVarChar(schema, FIELD_MODEL, MAX_TEXT_LENGTH);
    return schema;
  }

  /**
   * Fails with {@link IllegalStateException} when the item collection's vectors do not have {@code
   * dimension}.
   */
  static void checkItemDimension(String name, int dimension, DescribeCollectionResp description) {
    for (CreateCollectionReq.FieldSchema f :
        description.getCollectionSchema().getFieldSchemaList()) {
      if (f.getName().equals(FIELD_VECTOR) && !Objects.equals(f.getDimension(), dimension)) {
        throw new IllegalStateException(
            "Milvus collection '"
                + name
                + "' has vector dimension "
                + f.getDimension()
                + " but this store expects "
                + dimension
                + "; use another collection name or drop the collection and re-index");
      }
    }
  }
}
