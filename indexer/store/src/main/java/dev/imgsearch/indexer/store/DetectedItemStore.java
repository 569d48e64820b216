package dev.imgsearch.indexer.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The objects and faces part of the {@link VectorStore} contract ({@link VectorStore#items()}). An
 * image's items arrive in its {@link VectorRecord#items()}: {@link VectorStore#upsert} replaces all
 * of the image's items with the record's (an overwrite with fewer items leaves none of the old
 * ones), {@link VectorStore#delete} of an image removes its items, and both become visible and
 * durable together with the image row ({@link VectorStore#flush()} / {@link
 * VectorStore#persist()}). Frame searches and {@link VectorStore#count()} never see items. Objects
 * and faces are separate vector spaces: an object's vector has the collection's dimension, a face's
 * {@link #faceDimension()}.
 */
public interface DetectedItemStore {

  /** The dimension of face descriptors this store accepts. */
  int faceDimension();

  /**
   * The {@code k} items of {@code kind} nearest to {@code query} that pass {@code filter}, best
   * first.
   */
  List<ItemHit> searchItems(DetectedItem.Kind kind, float[] query, int k, ItemFilter filter);

  /** The stored item of this id ({@link DetectedItem#id(String)}), with its vector. */
  Optional<StoredItem> getItem(String itemId);

  /** All items of the image {@code imageId}: objects then faces, each by index. */
  List<StoredItem> itemsOf(String imageId);

  /**
   * Images that contain an item with one of {@code labels} and pass {@code filter}, newest capture
   * time first (ties by image id), skipping {@code offset} and returning at most {@code limit}: a
   * metadata query, no vector. Each hit is the image's best-scoring matching item (its detector
   * score as {@link ItemHit#similarity()}).
   *
   * @throws IllegalArgumentException if {@code labels} is empty, {@code offset} is negative or
   *     {@code limit} below 1
   */
  List<ItemHit> imagesWithClass(Set<String> labels, SearchFilter filter, int offset, int limit);

  /**
   * Checks the arguments of {@link #searchItems}, for implementations: a query of the kind's
   * dimension, k ≥ 1.
   */
  static void checkItemSearchArguments(
      DetectedItem.Kind kind, float[] query, int k, int objectDim, int faceDim) {
    int dimension = kind == DetectedItem.Kind.OBJECT ? objectDim : faceDim;
    if (query.length != dimension || k < 1) {
      throw new IllegalArgumentException(
          kind
              + " search needs a "
              + dimension
              + "-d query (got "
              + query.length
              + ") and k ≥ 1 (got "
              + k
              + ")");
    }
  }

  /** Checks the arguments of {@link #imagesWithClass}, for implementations. */
  static void checkImagesWithClassArguments(Set<String> labels, int offset, int limit) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException("at least one class label is needed");
    }
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException(
          "offset must be ≥ 0 and limit ≥ 1: " + offset + ", " + limit);
    }
  }
}
