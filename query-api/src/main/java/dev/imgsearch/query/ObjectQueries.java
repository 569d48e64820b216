package dev.imgsearch.query;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Object and face queries, independent of HTTP: by vector, by a stored object or face ({@code objectId}), the images
 * containing a class (no vector: a metadata query, newest first) and the items of one image. Every store call is bounded
 * by {@link StoreCalls}. Hits may be grouped one per image or one per source ({@link #grouped}, pure).
 */
final class ObjectQueries {
  private final VectorStore store;
  private final StoreCalls calls;

  ObjectQueries(VectorStore store, StoreCalls calls) {
    this.store = store;
    this.calls = calls;
  }

  /**
   * The nearest items of {@code kind} to {@code vector} (L2-normalised first).
   *
   * @throws InvalidQueryException for a vector of the wrong dimension, zero or not finite
   */
  List<ItemHit> byVector(Kind kind, float[] vector, ObjectParams params) {
    int dimension = kind == Kind.OBJECT ? store.spec().dimension() : calls.call(() -> store.items().faceDimension());
    return search(kind, VectorMath.normalised(vector, dimension), params, null);
  }

  /**
   * The nearest items to the stored object or face {@code itemId}, of its kind, itself excluded.
   *
   * @throws InvalidQueryException if {@code itemId} is not an object or face id
   * @throws NotFoundException if no item has this id
   */
  List<ItemHit> similarTo(String itemId, ObjectParams params) {
    Kind kind;
    try {
      kind = DetectedItem.parseId(itemId).kind();
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(InvalidQueryException.INVALID_PARAMETER, e.getMessage());
    }
    StoredItem item = calls.call(() -> store.items().getItem(itemId)).orElseThrow(() -> NotFoundException.item(itemId));
    return search(kind, item.item().vector(), params, itemId);
  }

  private List<ItemHit> search(Kind kind, float[] query, ObjectParams params, String exclude) {
    SearchParams p = params.search();
    int wanted = p.offset() + p.k() + (exclude == null ? 0 : 1);
    int fetch = params.group() == ObjectParams.Grouping.NONE ? wanted : Math.min(SearchParams.MAX_WINDOW, wanted * 8);
    ItemFilter filter = new ItemFilter(p.filter(), params.classes());
    List<ItemHit> hits = calls.call(() -> store.items().searchItems(kind, query, fetch, filter));
    List<ItemHit> kept = new ArrayList<>();
    for (ItemHit h : hits) {
      if (!h.stored().id().equals(exclude) && p.accepts(h.similarity())) {
        kept.add(h);
      }
    }
    return page(grouped(kept, params.group()), p);
  }

  /**
   * The images containing one of the classes and passing the filters, newest first, one hit per image (its best
   * matching item), paged by {@code offset} and {@code k}.
   *
   * @throws InvalidQueryException if no class is given
   */
  List<ItemHit> imagesWithClass(ObjectParams params) {
    if (params.classes().isEmpty()) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "class (or q naming a class) is required");
    }
    SearchParams p = params.search();
    return calls.call(() -> store.items().imagesWithClass(params.classes(), p.filter(), p.offset(), p.k()));
  }

  /** The objects and faces of the image {@code imageId} (none when it has none or is unknown). */
  List<StoredItem> itemsOf(String imageId) {
    return calls.call(() -> store.items().itemsOf(imageId));
  }

  /** {@code hits} (best first) with only the first hit of each image or source; all of them for NONE. Pure. */
  static List<ItemHit> grouped(List<ItemHit> hits, ObjectParams.Grouping group) {
    Function<ItemHit, String> key =
        switch (group) {
          case NONE -> null;
          case IMAGE -> h -> h.stored().parentId();
          case SOURCE -> h -> h.stored().source();
        };
    if (key == null) {
      return hits;
    }
    Set<String> seen = new HashSet<>();
    return hits.stream().filter(h -> seen.add(key.apply(h))).toList();
  }

  private static List<ItemHit> page(List<ItemHit> hits, SearchParams p) {
    int from = Math.min(p.offset(), hits.size());
    return List.copyOf(hits.subList(from, Math.min(hits.size(), from + p.k())));
  }
}
