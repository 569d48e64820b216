package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.run;

import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.RecordValidation;
import dev.imgsearch.indexer.store.VectorRecord;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.InsertReq;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The write side of the store: upserts and deletes on the main collection and its perceptual-hash
 * companion, and the flush that makes them durable and visible. Remembers whether anything was
 * written since the last flush.
 */
final class MilvusWrites {
  /** Upper bound of one insert request's estimated size (Milvus accepts 64 MB). */
  static final long MAX_REQUEST_BYTES = 16L << 20;

  /** Ids per {@code id in [..]} delete expression. */
  static final int DELETE_BATCH = 1000;

  private final MilvusClientV2 client;
  private final CollectionSpec spec;
  private final MilvusReads reads;
  private final AtomicBoolean unflushed = new AtomicBoolean();

  MilvusWrites(MilvusClientV2 client, CollectionSpec spec, MilvusReads reads) {
    this.client = client;
    this.spec = spec;
    this.reads = reads;
  }

  /**
   * Validates every record ({@link RecordValidation}) before sending anything, then writes the main
   * rows, then the companion rows of the records with a hash, then deletes the companion rows of
   * those without one ({@link MilvusUpsertPlan}). Every step is idempotent by id.
   */
  void upsert(List<VectorRecord> records) {
    for (VectorRecord record : records) {
      RecordValidation.check(record, spec.dimension());
    }
    MilvusUpsertPlan plan = MilvusUpsertPlan.of(records, MAX_REQUEST_BYTES);
    for (List<VectorRecord> request : plan.rows()) {
      send(spec.name(), rows(request, MilvusRows::row));
    }
    for (List<VectorRecord> request : plan.hashes()) {
      send(spec.phashCollectionName(), rows(request, MilvusRows::phashRow));
    }
    deleteFrom(spec.phashCollectionName(), plan.unhashed());
  }

  /** Deletes the ids (null ids are refused, duplicates sent once) from both collections. */
  void delete(Collection<String> ids) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    distinct.forEach(id -> Objects.requireNonNull(id, "id"));
    deleteFrom(spec.name(), distinct);
    deleteFrom(spec.phashCollectionName(), distinct);
  }

  /**
   * Flushes both collections and then runs a Strong query on each, after which the query node has
   * consumed every earlier write; nothing when nothing was written since the last flush. A failed
   * flush is repeated by the next one.
   */
  void flush() {
    if (!unflushed.getAndSet(false)) {
      return;
    }
    try {
      run(
          "flush",
          spec.name(),
          () ->
              client.flush(
                  FlushReq.builder()
                      .collectionNames(List.of(spec.name(), spec.phashCollectionName()))
                      .build()));
      reads.countStrong("flush", spec.name());
      reads.countStrong("flush", spec.phashCollectionName());
    } catch (RuntimeException e) {
      unflushed.set(true);
      throw e;
    }
  }

  private static List<JsonObject> rows(
      List<VectorRecord> records, Function<VectorRecord, JsonObject> row) {
    List<JsonObject> rows = new ArrayList<>(records.size());
    records.forEach(r -> rows.add(row.apply(r)));
    return rows;
  }

  private void deleteFrom(String collection, List<String> distinct) {
    for (int from = 0; from < distinct.size(); from += DELETE_BATCH) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + DELETE_BATCH));
      String filter = MilvusFilterExpressions.idIn(chunk);
      unflushed.set(true);
      call(
          "delete",
          collection,
          () ->
              client.delete(DeleteReq.builder().collectionName(collection).filter(filter).build()));
    }
  }

  /**
   * Replaces rows by id: a delete of their ids, then an insert. Not a Milvus upsert: on 2.3.5 an
   * upsert into a collection with a partition key stores the rows in the wrong partition, so a
   * {@code source} filter (which prunes partitions) no longer finds them (measured: after an upsert
   * {@code source == "cam-1"} finds nothing, after an insert it finds the rows). Milvus orders the
   * delete before the insert by timestamp; a reader between the two requests may miss the rows, and
   * a failure between them leaves them deleted until the (idempotent) batch is retried.
   */
  private void send(String collection, List<JsonObject> rows) {
    unflushed.set(true);
    deleteFrom(collection, rows.stream().map(MilvusRows::id).toList());
    call(
        "insert",
        collection,
        () -> client.insert(InsertReq.builder().collectionName(collection).data(rows).build()));
  }
}
