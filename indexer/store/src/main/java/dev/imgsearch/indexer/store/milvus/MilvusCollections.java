package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.run;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.request.ListIndexesReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of the store's two collections on the server: create them when missing (with {@link
 * MilvusSchemas}), check an existing one's layout and index, build the index, load them; and drop
 * both.
 */
final class MilvusCollections {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusCollections.class);

  private final MilvusClientV2 client;
  private final CollectionSpec spec;

  /**
   * Whether the main collection has the scene fields; the layout this store creates until known.
   */
  private volatile boolean scenes = true;

  /** The same for the companion. */
  private volatile boolean companionScenes = true;

  MilvusCollections(MilvusClientV2 client, CollectionSpec spec) {
    this.client = client;
    this.spec = spec;
  }

  /**
   * Creates or checks the main collection (schema, HNSW/IVF COSINE index) and its perceptual-hash
   * companion (schema, BIN_FLAT HAMMING index) and loads both. Fails with {@link
   * IllegalStateException} when an existing one differs. Notes which of them have the scene fields
   * ({@link #keepsScenes()}, {@link #companionKeepsScenes()}) and logs a warning when one does not.
   */
  void ensure() {
    String name = spec.name();
    createIfMissing(name, MilvusSchemas.main(spec));
    boolean mainHasScenes = checkSchema(name, MilvusSchemas.main(spec));
    ensureVectorIndex();
    load(name);
    String companion = spec.phashCollectionName();
    createIfMissing(companion, MilvusSchemas.phash());
    boolean companionHasScenes = checkSchema(companion, MilvusSchemas.phash());
    ensurePhashIndex();
    load(companion);
    scenes = mainHasScenes;
    companionScenes = companionHasScenes;
    MilvusSchemas.sceneWarning(spec, mainHasScenes, companionHasScenes).ifPresent(LOG::warn);
  }

  /**
   * Whether the main collection keeps scene references (has {@link MilvusSchemas#SCENE_FIELDS}), as
   * {@link #ensure()} found; true before it.
   */
  boolean keepsScenes() {
    return scenes;
  }

  /** Whether the perceptual-hash companion keeps scene references, as {@link #ensure()} found. */
  boolean companionKeepsScenes() {
    return companionScenes;
  }

  /**
   * Drops the collection and its perceptual-hash companion with all their rows; missing collections
   * are fine.
   */
  void drop() {
    dropCollection(spec.name());
    dropCollection(spec.phashCollectionName());
  }

  private void createIfMissing(String name, CreateCollectionReq.CollectionSchema schema) {
    if (!exists(name)) {
      try {
        run(
            "createCollection",
            name,
            () ->
                client.createCollection(
                    CreateCollectionReq.builder()
                        .collectionName(name)
                        .collectionSchema(schema)
                        .consistencyLevel(ConsistencyLevel.BOUNDED)
                        .build()));
      } catch (MilvusStoreException e) {
        if (!exists(name)) {
          throw e;
        }
        // Another store created it meanwhile; it is checked like any existing collection.
      }
    }
  }

  /** Whether the collection {@code name} exists. */
  boolean exists(String name) {
    return call(
        "hasCollection",
        name,
        () -> client.hasCollection(HasCollectionReq.builder().collectionName(name).build()));
  }

  /**
   * Fails with {@link IllegalStateException} when the existing collection does not have this
   * store's layout; returns whether it has the scene fields.
   */
  private boolean checkSchema(String name, CreateCollectionReq.CollectionSchema expected) {
    return MilvusSchemas.check(name, spec, expected, describe(name));
  }

  private DescribeCollectionResp describe(String name) {
    return call(
        "describeCollection",
        name,
        () ->
            client.describeCollection(
                DescribeCollectionReq.builder().collectionName(name).build()));
  }

  private void load(String name) {
    boolean loaded =
        call(
            "getLoadState",
            name,
            () -> client.getLoadState(GetLoadStateReq.builder().collectionName(name).build()));
    if (!loaded) {
      run(
          "loadCollection",
          name,
          () ->
              client.loadCollection(
                  LoadCollectionReq.builder().collectionName(name).sync(true).build()));
    }
  }

  /**
   * Creates the HNSW/COSINE index when missing; an existing index must use COSINE, the metric
   * scores are in.
   */
  private void ensureVectorIndex() {
    String name = spec.name();
    var index = existingIndex(name, FIELD_VECTOR, MilvusIndexParams.vectorIndex(spec));
    if (index == null) {
      return;
    }
    checkMetric(name, FIELD_VECTOR, index, IndexParam.MetricType.COSINE);
    if (index.getIndexType() != MilvusIndexParams.indexType(spec)) {
      throw new IllegalStateException(
          "Milvus collection '"
              + name
              + "' has a "
              + index.getIndexType()
              + " index but the spec asks for "
              + spec.indexType()
              + "; build a new collection (re-index) to change the index type");
    }
  }

  /**
   * Creates the companion's BIN_FLAT/HAMMING index when missing; an existing one must use HAMMING.
   */
  private void ensurePhashIndex() {
    String name = spec.phashCollectionName();
    var index = existingIndex(name, FIELD_PHASH, MilvusIndexParams.phashIndex());
    checkMetric(name, FIELD_PHASH, index, IndexParam.MetricType.HAMMING);
  }

  /**
   * Fails with {@link IllegalStateException} when {@code index} (null: none, nothing to check) does
   * not score with {@code wanted}.
   */
  private static void checkMetric(
      String name, String field, DescribeIndexResp.IndexDesc index, IndexParam.MetricType wanted) {
    if (index != null && index.getMetricType() != wanted) {
      throw new IllegalStateException(
          "Milvus collection '"
              + name
              + "' indexes "
              + field
              + " with metric "
              + index.getMetricType()
              + "; this store needs "
              + wanted);
    }
  }

  /**
   * The description of the index on {@code field} of {@code collection}, to be checked; when there
   * is none, creates {@code wanted} and returns null (nothing to check). Null too when the server
   * describes no index on the field.
   */
  private DescribeIndexResp.IndexDesc existingIndex(
      String collection, String field, IndexParam wanted) {
    List<String> indexes =
        call(
            "listIndexes",
            collection,
            () ->
                client.listIndexes(
                    ListIndexesReq.builder().collectionName(collection).fieldName(field).build()));
    if (indexes.isEmpty()) {
      run(
          "createIndex",
          collection,
          () ->
              client.createIndex(
                  CreateIndexReq.builder()
                      .collectionName(collection)
                      .indexParams(List.of(wanted))
                      .build()));
      return null;
    }
    var description =
        call(
            "describeIndex",
            collection,
            () ->
                client.describeIndex(
                    DescribeIndexReq.builder()
                        .collectionName(collection)
                        .fieldName(field)
                        .build()));
    return description.getIndexDescByFieldName(field);
  }

  // ---- detected objects and faces ----

  /**
   * Creates or checks an item collection ({@link MilvusSchemas#items}: its layout, vector dimension
   * and COSINE index) and loads it. Fails with {@link IllegalStateException} when an existing one
   * differs.
   */
  void ensureItems(String name, int dimension) {
    if (name.length() > 255) {
      throw new IllegalStateException(
          "Milvus collection name too long (at most 255 characters): " + name);
    }
    createIfMissing(name, MilvusSchemas.items(dimension));
    var description = describe(name);
    MilvusSchemas.checkItemDimension(name, dimension, description);
    MilvusSchemas.check(name, spec, MilvusSchemas.items(dimension), description);
    checkMetric(
        name,
        FIELD_VECTOR,
        existingIndex(name, FIELD_VECTOR, MilvusIndexParams.vectorIndex(spec)),
        IndexParam.MetricType.COSINE);
    load(name);
  }

  /** Drops a collection with all its rows; a missing one is fine. */
  void dropCollection(String name) {
    run(
        "dropCollection",
        name,
        () -> client.dropCollection(DropCollectionReq.builder().collectionName(name).build()));
  }
}
