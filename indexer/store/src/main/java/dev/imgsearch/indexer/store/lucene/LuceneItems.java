package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItemStore;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The detected objects and faces of the embedded store: documents of their own in the image index,
 * every field prefixed {@code item_} (Lucene keeps one schema per field name, and image searches,
 * counts and reads only look at documents with the image vector field), one vector field per kind
 * ({@code item_object_vector}, {@code item_face_vector}: different dimensions). An image's items
 * carry its id in {@code item_parent}, so an upsert or delete of the image replaces or removes them
 * in the same commit.
 */
final class LuceneItems implements DetectedItemStore {
  static final String ID = "item_id";
  static final String PARENT = "item_parent";
  private static final String KIND = "item_kind";
  private static final String INDEX = "item_index";
  private static final String LABEL = "item_label";
  private static final String CLASS_ID = "item_class_id";
  private static final String SCORE = "item_score";
  private static final String BOX = "item_box";
  private static final String MODEL = "item_model";
  private static final String VECTOR_BYTES = "item_vector_bytes";
  private static final String BUCKET = "item_bucket";
  private static final String KEY = "item_key";
  private static final String SOURCE = "item_source";
  private static final String CAPTURED_AT = "item_captured_at";
  private static final String TAGS = "item_tags";

  private final SearcherManager searchers;
  private final CollectionSpec spec;
  private final int faceDimension;

  LuceneItems(SearcherManager searchers, CollectionSpec spec, int faceDimension) {
    this.searchers = searchers;
    this.spec = spec;
    this.faceDimension = faceDimension;
  }

  @Override
  public int faceDimension() {
    return faceDimension;
  }

  @Override
  public List<ItemHit> searchItems(
      DetectedItem.Kind kind, float[] query, int k, ItemFilter filter) {
    DetectedItemStore.checkItemSearchArguments(kind, query, k, spec.dimension(), faceDimension);
    return withSearcher(s -> search(s, kind, query, k, spec.searchEf(), filter));
  }

  @Override
  public Optional<StoredItem> getItem(String itemId) {
    return withSearcher(s -> get(s, itemId));
  }

  @Override
  public List<StoredItem> itemsOf(String imageId) {
    return withSearcher(s -> of(s, imageId));
  }

  @Override
  public List<ItemHit> imagesWithClass(
      Set<String> labels, SearchFilter filter, int offset, int limit) {
    DetectedItemStore.checkImagesWithClassArguments(labels, offset, limit);
    return withSearcher(s -> imagesWithClass(s, labels, filter, offset, limit));
  }

  private <T> T withSearcher(LuceneSearches.SearcherFunction<T> fn) {
    return LuceneSearches.withSearcher(searchers, "item search failed", fn);
  }

  static String vectorField(DetectedItem.Kind kind) {
    return kind == DetectedItem.Kind.OBJECT ? "item_object_vector" : "item_face_vector";
  }

  /** Replaces the items of {@code r}'s image by its items (none: removes them). */
  static void replace(IndexWriter writer, VectorRecord r) throws IOException {
    Term parent = new Term(PARENT, r.id());
    if (r.items().isEmpty()) {
      writer.deleteDocuments(parent);
      return;
    }
    List<Document> docs = new ArrayList<>(r.items().size());
    for (DetectedItem item : r.items()) {
      docs.add(toDocument(r, item));
    }
    writer.updateDocuments(parent, docs);
  }

  static Term parentTerm(String imageId) {
    return new Term(PARENT, imageId);
  }

  private static List<ItemHit> search(
      IndexSearcher searcher,
      DetectedItem.Kind kind,
      float[] query,
      int k,
      int ef,
      ItemFilter filter)
      throws IOException {
    Query knn =
        new KnnFloatVectorQuery(
            vectorField(kind),
            query,
            Math.max(k, ef),
            toQuery(filter.image(), filter.labels(), kind));
    List<ItemHit> hits = new ArrayList<>();
    var stored = searcher.storedFields();
    for (ScoreDoc sd : searcher.search(knn, k).scoreDocs) {
      // Lucene's COSINE score is (1 + cos) / 2; report the cosine itself.
      hits.add(new ItemHit(fromDocument(stored.document(sd.doc)), 2f * sd.score - 1f));
    }
    return hits;
  }

  private static Optional<StoredItem> get(IndexSearcher searcher, String itemId)
      throws IOException {
    ScoreDoc[] docs = searcher.search(new TermQuery(new Term(ID, itemId)), 1).scoreDocs;
    return docs.length == 0
        ? Optional.empty()
        : Optional.of(fromDocument(searcher.storedFields().document(docs[0].doc)));
  }

  private static List<StoredItem> of(IndexSearcher searcher, String imageId) throws IOException {
    List<StoredItem> out = new ArrayList<>();
    var stored = searcher.storedFields();
    for (ScoreDoc sd : searcher.search(new TermQuery(parentTerm(imageId)), 10_000).scoreDocs) {
      out.add(fromDocument(stored.document(sd.doc)));
    }
    out.sort(
        Comparator.comparing((StoredItem s) -> s.item().kind())
            .thenComparingInt(s -> s.item().index()));
    return out;
  }

  private static List<ItemHit> imagesWithClass(
      IndexSearcher searcher, Set<String> labels, SearchFilter filter, int offset, int limit)
      throws IOException {
    Query q = toQuery(filter, labels, null);
    Sort newestFirst =
        new Sort(
            new SortField(CAPTURED_AT, SortField.Type.LONG, true),
            new SortField(PARENT, SortField.Type.STRING));
    int want = offset + limit;
    for (int n = Math.max(64, want * 4); ; n *= 4) {
      ScoreDoc[] docs = searcher.search(q, n, newestFirst).scoreDocs;
      Map<String, ItemHit> best = new LinkedHashMap<>();
      var stored = searcher.storedFields();
      for (ScoreDoc sd : docs) {
        StoredItem s = fromDocument(stored.document(sd.doc));
        ItemHit seen = best.get(s.parentId());
        if (seen == null && best.size() == want) {
          break; // sorted by image: a new image past the page ends it (its other items come next)
        }
        if (seen == null || s.item().score() > seen.similarity()) {
          best.put(s.parentId(), new ItemHit(s, s.item().score()));
        }
      }
      if (best.size() >= want || docs.length < n) {
        List<ItemHit> all = new ArrayList<>(best.values());
        return all.subList(Math.min(offset, all.size()), all.size());
      }
    }
  }

  private static Query toQuery(SearchFilter filter, Set<String> labels, DetectedItem.Kind kind) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(
        kind == null
            ? new org.apache.lucene.search.FieldExistsQuery(PARENT)
            : new TermQuery(new Term(KIND, kind.name())),
        Occur.FILTER);
    if (!labels.isEmpty()) {
      b.add(new TermInSetQuery(LABEL, labels.stream().map(BytesRef::new).toList()), Occur.FILTER);
    }
    LuceneSearches.addFilterClauses(b, filter, SOURCE, TAGS, CAPTURED_AT);
    return b.build();
  }

  private static Document toDocument(VectorRecord r, DetectedItem item) {
    Document d = new Document();
    d.add(new StringField(ID, item.id(r.id()), Field.Store.YES));
    d.add(new StringField(PARENT, r.id(), Field.Store.YES));
    d.add(new SortedDocValuesField(PARENT, new BytesRef(r.id())));
    d.add(new StringField(KIND, item.kind().name(), Field.Store.YES));
    d.add(new StoredField(INDEX, item.index()));
    d.add(new StringField(LABEL, item.label(), Field.Store.YES));
    d.add(new StoredField(CLASS_ID, item.classId()));
    d.add(new StoredField(SCORE, item.score()));
    d.add(new StoredField(BOX, toBytes(item.box())));
    d.add(new StoredField(MODEL, item.model()));
    d.add(
        new KnnFloatVectorField(
            vectorField(item.kind()), item.vector(), VectorSimilarityFunction.COSINE));
    d.add(new StoredField(VECTOR_BYTES, toBytes(item.vector())));
    d.add(new StoredField(BUCKET, r.bucket()));
    d.add(new StoredField(KEY, r.key()));
    d.add(new StringField(SOURCE, r.source(), Field.Store.YES));
    d.add(new LongPoint(CAPTURED_AT, r.capturedAtMillis()));
    d.add(new NumericDocValuesField(CAPTURED_AT, r.capturedAtMillis()));
    d.add(new StoredField(CAPTURED_AT, r.capturedAtMillis()));
    for (String tag : r.tags()) {
      d.add(new StringField(TAGS, tag, Field.Store.NO));
    }
    return d;
  }

  private static StoredItem fromDocument(Document d) {
    DetectedItem item =
        new DetectedItem(
            DetectedItem.Kind.valueOf(d.get(KIND)),
            d.getField(INDEX).numericValue().intValue(),
            d.get(LABEL),
            d.getField(CLASS_ID).numericValue().intValue(),
            d.getField(SCORE).numericValue().floatValue(),
            fromBytes(d.getBinaryValue(BOX)),
            d.get(MODEL),
            fromBytes(d.getBinaryValue(VECTOR_BYTES)));
    return new StoredItem(
        d.get(PARENT),
        d.get(BUCKET),
        d.get(KEY),
        d.get(SOURCE),
        d.getField(CAPTURED_AT).numericValue().longValue(),
        item);
  }

  static byte[] toBytes(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return buf.array();
  }

  static float[] fromBytes(BytesRef b) {
    float[] v = new float[b.length / Float.BYTES];
    ByteBuffer.wrap(b.bytes, b.offset, b.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(v);
    return v;
  }
}
