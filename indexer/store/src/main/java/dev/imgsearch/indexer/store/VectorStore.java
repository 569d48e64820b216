package dev.imgsearch.indexer.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The one contract every vector store honours (Milvus and the embedded Lucene store). Rows are
 * keyed by the deterministic image id; {@link #upsert} replaces a row with the same id, {@link
 * #delete} of an unknown id is a no-op. Scores are cosine similarities of L2-normalised vectors:
 * higher is better, an identical vector scores ≈ 1.0.
 *
 * <p>Implementations are thread-safe.
 */
public interface VectorStore extends AutoCloseable {

  /**
   * Creates the collection / index if missing and checks that an existing one matches {@link
   * CollectionSpec}.
   */
  void ensureCollection();

  /**
   * Inserts or replaces rows by id. Vectors must have {@link CollectionSpec#dimension()}
   * components.
   */
  void upsert(List<VectorRecord> records);

  /** Removes rows by id; unknown ids are ignored. */
  void delete(Collection<String> ids);

  /** Makes every preceding upsert and delete durable and visible to {@link #search}. */
  void flush();

  /**
   * Makes every preceding upsert and delete durable — it survives a restart of this process and of
   * the store's server — without necessarily making it visible to every read consistency level.
   * What the Flink sink calls on each checkpoint. The default is {@link #flush()}; Milvus, whose
   * acknowledged writes are already in its write-ahead log, does nothing here (a Milvus flush costs
   * seconds; see the indexer README).
   */
  default void persist() {
    flush();
  }

  /** The {@code k} nearest rows to {@code query} that pass {@code filter}, best first. */
  List<SearchHit> search(float[] query, int k, SearchFilter filter);

  /**
   * Near-duplicates by perceptual hash: the rows whose {@link VectorRecord#phash()} is within
   * Hamming distance {@code maxHamming} of {@code phash} and that pass {@code filter}, nearest
   * first, at most {@code k} (equal distances are ordered by id within the result; which rows tie
   * at the cut-off is unspecified). Each hit carries its {@link SearchHit#distance()}. Rows without
   * a hash are never returned. Exact (no approximation) in both stores.
   *
   * @throws IllegalArgumentException if {@code maxHamming} is outside 0..{@value
   *     CollectionSpec#PHASH_BITS} or {@code k} is below 1 (or above the store's limit)
   * @throws UnsupportedOperationException if the store does not index perceptual hashes (the
   *     default)
   */
  default List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not index perceptual hashes");
  }

  /** Checks the arguments of {@link #nearDuplicates}, for implementations. */
  static void checkNearDuplicateArguments(int maxHamming, int k) {
    if (maxHamming < 0 || maxHamming > CollectionSpec.PHASH_BITS) {
      throw new IllegalArgumentException(
          "maxHamming must be in 0.." + CollectionSpec.PHASH_BITS + ": " + maxHamming);
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be ≥ 1: " + k);
    }
  }

  /**
   * The image's detected objects and faces, stored with the image rows of this store (see {@link
   * DetectedItemStore}).
   *
   * @throws UnsupportedOperationException if the store does not store detected items (the default)
   */
  default DetectedItemStore items() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not store detected objects and faces");
  }

  /** The stored row, including its vector and perceptual hash. */
  Optional<VectorRecord> get(String id);

  /** Number of live rows (after {@link #flush}). */
  long count();

  /** The collection contract this store was opened with. */
  CollectionSpec spec();

  @Override
  void close();
}
