package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the read paths ({@link MilvusReads}, {@link MilvusVectorSearch}, {@link
 * MilvusNearDuplicates}) share; {@link MilvusItems} uses its client, spec and consistency.
 *
 * @param consistency the configured read consistency
 * @param scenes whether the collection they read has the scene fields ({@link
 *     MilvusSchemas#SCENE_FIELDS}: read with hits and rows when it has), as {@link
 *     MilvusCollections#ensure()} found
 */
record MilvusReadContext(
    MilvusClientV2 client,
    CollectionSpec spec,
    ConsistencyLevel consistency,
    BooleanSupplier scenes) {

  /**
   * The main collection's rows matching {@code filter}, with {@code fields}, at the read
   * consistency; {@code limit} 0 is the SDK's default (none). Failures are reported as {@code
   * operation}.
   */
  List<QueryResp.QueryResult> query(
      String operation, String filter, List<String> fields, long limit) {
    return query(operation, spec.name(), filter, fields, limit, consistency);
  }

  /** The rows of {@code collection} matching {@code filter}, at {@code level}. */
  List<QueryResp.QueryResult> query(
      String operation,
      String collection,
      String filter,
      List<String> fields,
      long limit,
      ConsistencyLevel level) {
    return call(
            operation,
            collection,
            () ->
                client.query(
                    QueryReq.builder()
                        .collectionName(collection)
                        .filter(filter)
                        .outputFields(fields)
                        .limit(limit)
                        .consistencyLevel(level)
                        .build()))
        .getQueryResults();
  }
}
