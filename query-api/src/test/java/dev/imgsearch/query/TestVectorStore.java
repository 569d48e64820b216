package dev.imgsearch.query;

import dev.imgsearch.embedder.model.Vectors;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory exact cosine search for tests. {@link #failWith} makes every call throw (an outage);
 * {@link #slowCount} makes {@link #count()} block (a hung store), {@link #slowReads} delays
 * searches and gets. Near-duplicates by exact Hamming distance. Records the k of the last search.
 */
final class TestVectorStore implements VectorStore {

  private final CollectionSpec spec;
  private final Map<String, VectorRecord> rows = new ConcurrentHashMap<>();
  private final AtomicInteger lastK = new AtomicInteger();
  private volatile RuntimeException failure;
  private volatile Duration countDelay = Duration.ZERO;
  private volatile Duration readDelay = Duration.ZERO;

  TestVectorStore(int dimension) {
    this.spec = CollectionSpec.of("test_images", dimension);
  }

  void failWith(RuntimeException e) {
    this.failure = e;
  }

  void slowCount(Duration delay) {
    this.countDelay = delay;
  }

  void slowReads(Duration delay) {
    this.readDelay = delay;
  }

  int lastK() {
    return lastK.get();
  }

  @Override
  public void ensureCollection() {}

  @Override
  public void upsert(List<VectorRecord> records) {
    check();
    records.forEach(r -> rows.put(r.id(), r));
  }

  @Override
  public void delete(Collection<String> ids) {
    check();
    ids.forEach(rows::remove);
  }

  @Override
  public void flush() {
    check();
  }

  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    check();
    lastK.set(k); // when the call starts: a slow call that outlives its request's timeout must not
    // overwrite a later test's figure when it finally returns
    sleep(readDelay);
    return rows.values().stream()
        .filter(r -> filter.matches(r.source(), r.capturedAtMillis(), r.tags()))
        .map(r -> toHit(r, cosine(query, r.vector())))
        .sorted(Comparator.comparingDouble(SearchHit::score).reversed())
        .limit(k)
        .toList();
  }

  @Override
  public List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    VectorStore.checkNearDuplicateArguments(maxHamming, k);
    check();
    lastK.set(k); // when the call starts: a slow call that outlives its request's timeout must not
    // overwrite a later test's figure when it finally returns
    sleep(readDelay);
    return rows.values().stream()
        .filter(
            r -> r.phash() != null && filter.matches(r.source(), r.capturedAtMillis(), r.tags()))
        .filter(r -> Long.bitCount(r.phash() ^ phash) <= maxHamming)
        .map(r -> toHit(r, 0f).asDuplicate(Long.bitCount(r.phash() ^ phash)))
        .sorted(Comparator.comparing(SearchHit::distance).thenComparing(SearchHit::id))
        .limit(k)
        .toList();
  }

  @Override
  public Optional<VectorRecord> get(String id) {
    check();
    sleep(readDelay);
    return Optional.ofNullable(rows.get(id));
  }

  @Override
  public long count() {
    check();
    sleep(countDelay);
    return rows.size();
  }

  private static void sleep(Duration delay) {
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public CollectionSpec spec() {
    return spec;
  }

  @Override
  public void close() {}

  private void check() {
    RuntimeException e = failure;
    if (e != null) {
      throw e;
    }
  }

  private static SearchHit toHit(VectorRecord r, float score) {
    return new SearchHit(
        r.id(), score, r.bucket(), r.key(), r.source(), r.capturedAtMillis(), r.tags());
  }

  private static float cosine(float[] a, float[] b) {
    return (float) Vectors.cosine(a, b);
  }
}
