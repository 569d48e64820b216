package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.run;

import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.DetectedItemStore;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorRecord;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The images' detected objects and faces in Milvus: two collections next to the image collection,
 * {@code <name>_objects} (vectors of the image dimension) and {@code <name>_faces} (the face
 * dimension), laid out by {@link MilvusSchemas#items} with {@code source} as partition key like the
 * image collection, created by the first write with items. Writes replace by image: the items of
 * every image of an upsert batch are deleted ({@code parent_id in [..]}) and the batch's items
 * inserted, so an overwrite with fewer items leaves none of the old ones, and a repeated batch
 * converges; an image delete deletes its items. A filtered search that matches at most {@value
 * MilvusExactFilter#MAX_ROWS} items is ranked exactly here (Milvus 2.3's interim index can miss
 * matches of a selective filter, see {@link MilvusVectorSearch}); others are ANN searches. {@link
 * #imagesWithClass} reads at most {@value #MAX_QUERY_ROWS} matching items per collection (Milvus'
 * query window; Milvus 2.3 cannot sort a query) and pages them here.
 */
final class MilvusItems implements DetectedItemStore {
  /** Max rows one Milvus query returns. */
  static final int MAX_QUERY_ROWS = 16_384;

  private final MilvusReadContext read;
  private final MilvusClientV2 client;
  private final CollectionSpec spec;
  private final int faceDimension;
  private final MilvusCollections collections;
  private final AtomicBoolean unflushed = new AtomicBoolean();
  private final CollectionPresence present;

  MilvusItems(MilvusReadContext read, int faceDimension, MilvusCollections collections) {
    this.read = read;
    this.client = read.client();
    this.spec = read.spec();
    this.faceDimension = faceDimension;
    this.collections = collections;
    this.present =
        new CollectionPresence(
            () ->
                collections.exists(spec.objectsCollectionName())
                    || collections.exists(spec.facesCollectionName()),
            () -> {
              collections.ensureItems(spec.objectsCollectionName(), spec.dimension());
              collections.ensureItems(spec.facesCollectionName(), faceDimension);
            },
            CollectionPresence.RECHECK,
            System::nanoTime);
  }

  private String collection(Kind kind) {
    return kind == Kind.OBJECT ? spec.objectsCollectionName() : spec.facesCollectionName();
  }

  /**
   * Checks and loads the item collections when they exist; when they do not, the first write with
   * items creates them (so a store that never sees an item costs no collections, and its tests no
   * creation time).
   */
  void ensure() {
    present.forRead();
  }

  void drop() {
    collections.dropCollection(spec.objectsCollectionName());
    collections.dropCollection(spec.facesCollectionName());
    present.dropped();
  }

  /**
   * Throws {@link dev.imgsearch.indexer.store.RecordRejectedException} when a record's items cannot
   * be stored.
   */
  void check(List<VectorRecord> records) {
    records.forEach(r -> DetectedItems.check(r, spec.dimension(), faceDimension));
  }

  /** Replaces the items of the batch's images by the last record of each image's items. */
  void replace(List<VectorRecord> records) {
    Map<String, VectorRecord> last = new LinkedHashMap<>();
    records.forEach(r -> last.put(r.id(), r));
    if (!present.forWrite(last.values().stream().anyMatch(r -> !r.items().isEmpty()))) {
      return; // no items now and none stored before
    }
    delete(last.keySet());
    for (Kind kind : Kind.values()) {
      List<JsonObject> request = new ArrayList<>();
      long bytes = 0;
      for (VectorRecord r : last.values()) {
        for (DetectedItem item : r.items()) {
          if (item.kind() != kind) {
            continue;
          }
          long size = MilvusItemRows.estimatedBytes(r, item);
          if (!request.isEmpty() && bytes + size > MilvusWrites.MAX_REQUEST_BYTES) {
            insert(collection(kind), request);
            request = new ArrayList<>();
            bytes = 0;
          }
          request.add(MilvusItemRows.row(r, item));
          bytes += size;
        }
      }
      if (!request.isEmpty()) {
        insert(collection(kind), request);
      }
    }
  }

  private void insert(String collection, List<JsonObject> rows) {
    unflushed.set(true);
    call(
        "insert",
        collection,
        () -> client.insert(InsertReq.builder().collectionName(collection).data(rows).build()));
  }

  /** Deletes the items of these images. */
  void delete(Collection<String> imageIds) {
    if (!present.forWrite(false)) {
      return;
    }
    List<String> ids = new ArrayList<>(new java.util.LinkedHashSet<>(imageIds));
    for (int from = 0; from < ids.size(); from += MilvusWrites.DELETE_BATCH) {
      String filter =
          MilvusItemRows.parentIn(
              ids.subList(from, Math.min(ids.size(), from + MilvusWrites.DELETE_BATCH)));
      for (Kind kind : Kind.values()) {
        unflushed.set(true);
        call(
            "delete",
            collection(kind),
            () ->
                client.delete(
                    DeleteReq.builder().collectionName(collection(kind)).filter(filter).build()));
      }
    }
  }

  /**
   * Flushes both collections and waits until a Strong read sees every earlier write; nothing when
   * nothing changed.
   */
  void flush() {
    if (!unflushed.getAndSet(false)) {
      return;
    }
    try {
      List<String> names = List.of(spec.objectsCollectionName(), spec.facesCollectionName());
      run(
          "flush",
          names.get(0),
          () -> client.flush(FlushReq.builder().collectionNames(names).build()));
      for (String name : names) {
        read.query("query", name, "", List.of("count(*)"), 0, ConsistencyLevel.STRONG);
      }
    } catch (RuntimeException e) {
      unflushed.set(true);
      throw e;
    }
  }

  @Override
  public int faceDimension() {
    return faceDimension;
  }

  @Override
  public List<ItemHit> searchItems(Kind kind, float[] query, int k, ItemFilter filter) {
    DetectedItemStore.checkItemSearchArguments(kind, query, k, spec.dimension(), faceDimension);
    if (!present.forRead()) {
      return List.of();
    }
    String expression = MilvusItemRows.expression(filter);
    if (!expression.isEmpty()) {
      var rows =
          query(
              collection(kind),
              expression,
              MilvusItemRows.ALL_FIELDS,
              MilvusExactFilter.MAX_ROWS + 1);
      if (rows.size() <= MilvusExactFilter.MAX_ROWS) {
        return MilvusItemRows.rank(kind, query, k, rows);
      }
    }
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(collection(kind))
            .annsField(FIELD_VECTOR)
            .metricType(IndexParam.MetricType.COSINE)
            .data(List.of(new FloatVec(query)))
            .limit(k)
            .searchParams(MilvusIndexParams.searchParams(spec, k))
            .outputFields(MilvusItemRows.FIELDS)
            .consistencyLevel(read.consistency());
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    var results =
        call("search", collection(kind), () -> client.search(request.build())).getSearchResults();
    List<ItemHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r :
        results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      hits.add(new ItemHit(MilvusItemRows.stored(kind, r.getEntity()), r.getScore()));
    }
    return hits;
  }

  @Override
  public Optional<StoredItem> getItem(String itemId) {
    Kind kind;
    try {
      kind = DetectedItem.parseId(itemId).kind();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!present.forRead()) {
      return Optional.empty();
    }
    var rows =
        query(
            collection(kind),
            MilvusFilterExpressions.idIn(List.of(itemId)),
            MilvusItemRows.ALL_FIELDS,
            1);
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(MilvusItemRows.stored(kind, rows.get(0)));
  }

  @Override
  public List<StoredItem> itemsOf(String imageId) {
    List<StoredItem> out = new ArrayList<>();
    if (!present.forRead()) {
      return out;
    }
    for (Kind kind : Kind.values()) {
      List<StoredItem> ofKind = new ArrayList<>();
      for (var e :
          query(
              collection(kind),
              MilvusItemRows.parentIn(List.of(imageId)),
              MilvusItemRows.ALL_FIELDS,
              MAX_QUERY_ROWS)) {
        ofKind.add(MilvusItemRows.stored(kind, e));
      }
      ofKind.sort(java.util.Comparator.comparingInt(s -> s.item().index()));
      out.addAll(ofKind);
    }
    return out;
  }

  @Override
  public List<ItemHit> imagesWithClass(
      Set<String> labels, SearchFilter filter, int offset, int limit) {
    DetectedItemStore.checkImagesWithClassArguments(labels, offset, limit);
    if (!present.forRead()) {
      return List.of();
    }
    String expression = MilvusItemRows.expression(new ItemFilter(filter, labels));
    List<StoredItem> matching = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (var e : query(collection(kind), expression, MilvusItemRows.FIELDS, MAX_QUERY_ROWS)) {
        matching.add(MilvusItemRows.stored(kind, e));
      }
    }
    return MilvusItemRows.imagesNewestFirst(matching, offset, limit);
  }

  /** The entities of {@code collection} matching {@code expression}, at the read consistency. */
  private List<Map<String, Object>> query(
      String collection, String expression, List<String> fields, int limit) {
    List<Map<String, Object>> out = new ArrayList<>();
    read.query("query", collection, expression, fields, limit, read.consistency())
        .forEach(r -> out.add(r.getEntity()));
    return out;
  }
}
