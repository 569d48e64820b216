package dev.imgsearch.indexer.store;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that passes every call on to another one; a subclass overrides what it changes (for
 * example {@link #close()} of a shared store).
 */
public abstract class ForwardingVectorStore implements VectorStore {
  private final VectorStore delegate;

  /** Passes the calls on to {@code delegate}. */
  protected ForwardingVectorStore(VectorStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void ensureCollection() {
    delegate.ensureCollection();
  }

  @Override
  public void upsert(List<VectorRecord> records) {
    delegate.upsert(records);
  }

  @Override
  public void delete(Collection<String> ids) {
    delegate.delete(ids);
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void persist() {
    delegate.persist();
  }

  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    return delegate.search(query, k, filter);
  }

  @Override
  public List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    return delegate.nearDuplicates(phash, maxHamming, k, filter);
  }

  @Override
  public Optional<VectorRecord> get(String id) {
    return delegate.get(id);
  }

  @Override
  public long count() {
    return delegate.count();
  }

  @Override
  public DetectedItemStore items() {
    return delegate.items();
  }

  @Override
  public CollectionSpec spec() {
    return delegate.spec();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
