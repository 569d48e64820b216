package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreSettings;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ExactlyWhatWasUploadedContract} on a real Milvus standalone server (one per class; or
 * {@code IMGSEARCH_MILVUS_URI}). The sink persists on checkpoints without a Milvus flush; the check
 * reads every row with a Strong query, so a duplicate primary key would show up twice.
 */
class MilvusExactlyOnceIT extends ExactlyWhatWasUploadedContract {
  @RegisterExtension static final MilvusForClass MILVUS = new MilvusForClass();

  @Override
  protected StoreSettings settings(String collection) {
    return MILVUS.strong(collection, DIM);
  }

  @Override
  protected Map<String, Long> storedVersions(String collection) {
    return storedVersions(MILVUS.uri(), collection);
  }

  @Override
  protected Map<String, List<Long>> storedObjects(String collection) {
    Map<String, List<Long>> objects = new java.util.TreeMap<>();
    for (Map<String, Object> e :
        capturedTimes(
            MILVUS.uri(),
            CollectionSpec.of(collection, DIM).objectsCollectionName(),
            CollectionSpec.FIELD_PARENT_ID)) {
      objects
          .computeIfAbsent(
              String.valueOf(e.get(CollectionSpec.FIELD_PARENT_ID)),
              k -> new java.util.ArrayList<>())
          .add(((Number) e.get(CollectionSpec.FIELD_CAPTURED_AT)).longValue());
    }
    objects.values().forEach(java.util.Collections::sort);
    return objects;
  }

  /**
   * Every row of {@code collection} as id → capturedAtMillis, read with one Strong query (≤ 16 384
   * rows); fails when an id occurs more than once.
   */
  static Map<String, Long> storedVersions(String uri, String collection) {
    Map<String, Long> versions = new HashMap<>();
    for (Map<String, Object> e : capturedTimes(uri, collection, CollectionSpec.FIELD_ID)) {
      String id = String.valueOf(e.get(CollectionSpec.FIELD_ID));
      Long previous =
          versions.put(id, ((Number) e.get(CollectionSpec.FIELD_CAPTURED_AT)).longValue());
      if (previous != null) {
        throw new AssertionError("duplicated: " + id + " is stored more than once");
      }
    }
    return versions;
  }

  /**
   * The {@code keyField} and {@code captured_at} of every row of {@code collection} whose key is
   * not empty, read with one Strong query (≤ 16 384 rows).
   */
  private static List<Map<String, Object>> capturedTimes(
      String uri, String collection, String keyField) {
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
    try {
      List<Map<String, Object>> entities = new java.util.ArrayList<>();
      client
          .query(
              QueryReq.builder()
                  .collectionName(collection)
                  .filter(keyField + " != \"\"")
                  .outputFields(List.of(keyField, CollectionSpec.FIELD_CAPTURED_AT))
                  .limit(16384)
                  .consistencyLevel(ConsistencyLevel.STRONG)
                  .build())
          .getQueryResults()
          .forEach(row -> entities.add(row.getEntity()));
      return entities;
    } finally {
      client.close();
    }
  }

  @Override
  protected void cleanUp(String collection) {
    MilvusForClass.dropCollections(MILVUS.uri(), DIM, collection);
  }
}
