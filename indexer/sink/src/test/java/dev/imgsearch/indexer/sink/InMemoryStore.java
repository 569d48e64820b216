package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A map-backed store for unit tests of the write path: records calls, can fail or block on demand.
 */
class InMemoryStore implements VectorStore {
  final Map<String, VectorRecord> rows = new LinkedHashMap<>();
  final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger persists = new AtomicInteger();
  final AtomicInteger flushes = new AtomicInteger();
  volatile Supplier<RuntimeException> nextWriteFailure = () -> null;
  volatile CountDownLatch writeGate;
  volatile boolean closed;

  @Override
  public void ensureCollection() {}

  @Override
  public synchronized void upsert(List<VectorRecord> records) {
    beforeWrite("upsert " + records.stream().map(VectorRecord::id).toList());
    records.forEach(r -> rows.put(r.id(), r));
  }

  @Override
  public synchronized void delete(Collection<String> ids) {
    beforeWrite("delete " + List.copyOf(ids));
    ids.forEach(rows::remove);
  }

  private void beforeWrite(String call) {
    CountDownLatch gate = writeGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    RuntimeException failure = nextWriteFailure.get();
    if (failure != null) {
      calls.add("failed " + call);
      throw failure;
    }
    calls.add(call);
  }

  @Override
  public void flush() {
    flushes.incrementAndGet();
  }

  @Override
  public void persist() {
    persists.incrementAndGet();
  }

  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    return List.of();
  }

  @Override
  public synchronized Optional<VectorRecord> get(String id) {
    return Optional.ofNullable(rows.get(id));
  }

  @Override
  public synchronized long count() {
    return rows.size();
  }

  @Override
  public CollectionSpec spec() {
    return CollectionSpec.of("mem", 2);
  }

  @Override
  public void close() {
    closed = true;
  }
}
