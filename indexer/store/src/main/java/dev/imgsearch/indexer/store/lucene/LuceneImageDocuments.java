package dev.imgsearch.indexer.store.lucene;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BUCKET;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_KEY;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_MODEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;

/**
 * How an image row of the embedded store is a Lucene document: the fields written, the row, hit and
 * scene read back, and the query of a {@link SearchFilter}.
 */
final class LuceneImageDocuments {
  private static final String FIELD_VECTOR_BYTES = "vector_bytes";

  private LuceneImageDocuments() {}

  /** The filter as FILTER clauses on the image fields; null for no filter. */
  static Query toQuery(SearchFilter filter) {
    if (filter == null || filter.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    LuceneSearches.addFilterClauses(b, filter, FIELD_SOURCE, FIELD_TAGS, FIELD_CAPTURED_AT);
    return b.build();
  }

  static Document toDocument(VectorRecord r) {
    Document d = new Document();
    d.add(new StringField(FIELD_ID, r.id(), Field.Store.YES));
    d.add(new KnnFloatVectorField(FIELD_VECTOR, r.vector(), VectorSimilarityFunction.COSINE));
    d.add(new StoredField(FIELD_VECTOR_BYTES, LuceneItems.toBytes(r.vector())));
    d.add(new StoredField(FIELD_BUCKET, r.bucket()));
    d.add(new StoredField(FIELD_KEY, r.key()));
    d.add(new StringField(FIELD_SOURCE, r.source(), Field.Store.YES));
    d.add(new LongPoint(FIELD_CAPTURED_AT, r.capturedAtMillis()));
    d.add(new StoredField(FIELD_CAPTURED_AT, r.capturedAtMillis()));
    for (String tag : r.tags()) {
      d.add(new StringField(FIELD_TAGS, tag, Field.Store.YES));
    }
    d.add(new StoredField(FIELD_MODEL, r.model()));
    if (r.phash() != null) {
      d.add(new NumericDocValuesField(FIELD_PHASH, r.phash()));
      d.add(new StoredField(FIELD_PHASH, r.phash()));
    }
    if (r.scene() != null) { // scene-change gating
      d.add(new StoredField(CollectionSpec.FIELD_SCENE_OF, r.scene().representativeId()));
      d.add(new StoredField(CollectionSpec.FIELD_SCENE_START, r.scene().startMillis()));
    }
    return d;
  }

  static SceneRef sceneOf(Document d) {
    var start = d.getField(CollectionSpec.FIELD_SCENE_START);
    return SceneRef.of(
        d.get(CollectionSpec.FIELD_SCENE_OF),
        start == null ? null : start.numericValue().longValue());
  }

  static SearchHit hitOf(Document d, float score) {
    return new SearchHit(
        d.get(FIELD_ID),
        score,
        d.get(FIELD_BUCKET),
        d.get(FIELD_KEY),
        d.get(FIELD_SOURCE),
        d.getField(FIELD_CAPTURED_AT).numericValue().longValue(),
        List.of(d.getValues(FIELD_TAGS)),
        null,
        sceneOf(d));
  }

  static VectorRecord fromDocument(Document d) {
    return new VectorRecord(
        d.get(FIELD_ID),
        LuceneItems.fromBytes(d.getBinaryValue(FIELD_VECTOR_BYTES)),
        d.get(FIELD_BUCKET),
        d.get(FIELD_KEY),
        d.get(FIELD_SOURCE),
        d.getField(FIELD_CAPTURED_AT).numericValue().longValue(),
        List.of(d.getValues(FIELD_TAGS)),
        d.get(FIELD_MODEL),
        d.getField(FIELD_PHASH) == null ? null : d.getField(FIELD_PHASH).numericValue().longValue(),
        sceneOf(d),
        List.of());
  }
}
