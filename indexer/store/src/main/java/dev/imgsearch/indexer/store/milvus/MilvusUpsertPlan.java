package dev.imgsearch.indexer.store.milvus;

import dev.imgsearch.indexer.store.VectorRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What an upsert batch sends, decided before anything is sent. Pure.
 *
 * @param rows the requests to the main collection: the batch de-duplicated by id (the last record
 *     wins, in the order of the last occurrences; Milvus 2.3 would keep both), split so that no
 *     request's estimated size exceeds the limit (a record larger than the limit is a request of
 *     its own)
 * @param hashes the requests to the perceptual-hash companion: the de-duplicated records that have
 *     a hash, split the same way by the size of their companion rows
 * @param unhashed the ids of the de-duplicated records without a hash, whose companion rows are
 *     deleted (an upsert without a hash removes the old one)
 */
record MilvusUpsertPlan(
    List<List<VectorRecord>> rows, List<List<VectorRecord>> hashes, List<String> unhashed) {

  static MilvusUpsertPlan of(List<VectorRecord> records, long maxRequestBytes) {
    Map<String, VectorRecord> byId = new LinkedHashMap<>();
    for (VectorRecord record : records) {
      byId.remove(record.id());
      byId.put(record.id(), record);
    }
    List<VectorRecord> distinct = List.copyOf(byId.values());
    List<VectorRecord> hashed = new ArrayList<>();
    List<String> unhashed = new ArrayList<>();
    for (VectorRecord record : distinct) {
      if (record.phash() == null) {
        unhashed.add(record.id());
      } else {
        hashed.add(record);
      }
    }
    return new MilvusUpsertPlan(
        split(distinct, MilvusRows::estimatedBytes, maxRequestBytes),
        split(hashed, MilvusRows::estimatedPhashBytes, maxRequestBytes),
        List.copyOf(unhashed));
  }

  /**
   * {@code items} in order, cut into consecutive runs whose summed {@code bytes} stay within {@code
   * max}; an item alone over {@code max} forms a run of its own. No runs for no items.
   */
  static <T> List<List<T>> split(List<T> items, ToLongFunction<T> bytes, long max) {
    List<List<T>> requests = new ArrayList<>();
    List<T> request = new ArrayList<>();
    long requestBytes = 0;
    for (T item : items) {
      long size = bytes.applyAsLong(item);
      if (!request.isEmpty() && requestBytes + size > max) {
        requests.add(List.copyOf(request));
        request = new ArrayList<>();
        requestBytes = 0;
      }
      request.add(item);
      requestBytes += size;
    }
    if (!request.isEmpty()) {
      requests.add(List.copyOf(request));
    }
    return List.copyOf(requests);
  }
}
