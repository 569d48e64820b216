package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;

import dev.imgsearch.indexer.store.VectorRecord;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads of whole rows and counts: {@code get} at the configured read consistency, counts at Strong.
 */
final class MilvusReads {
  private static final String COUNT = "count(*)";

  private final MilvusReadContext read;

  MilvusReads(MilvusReadContext read) {
    this.read = read;
  }

  /** The stored row with every field (its scene when the collection keeps it), or empty. */
  Optional<VectorRecord> get(String id) {
    Objects.requireNonNull(id, "id");
    var rows =
        read.query(
            "get",
            MilvusFilterExpressions.idIn(List.of(id)),
            MilvusRows.allFields(read.scenes().getAsBoolean()),
            0);
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(MilvusRows.record(rows.get(0).getEntity()));
  }

  /** Live rows of the main collection: an exact {@code count(*)} at Strong consistency. */
  long count() {
    return countStrong("count", read.spec().name());
  }

  /**
   * An exact {@code count(*)} of {@code collection} at Strong consistency (collection statistics
   * would still count deleted rows); as a side effect the query node has consumed every earlier
   * write when it returns. Failures are reported as {@code operation}.
   */
  long countStrong(String operation, String collection) {
    var rows =
        call(
                operation,
                collection,
                () ->
                    read.client()
                        .query(
                            QueryReq.builder()
                                .collectionName(collection)
                                .filter("")
                                .outputFields(List.of(COUNT))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build()))
            .getQueryResults();
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).getEntity().get(COUNT)).longValue();
  }
}
