package dev.imgsearch.indexer.store.lucene;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItemStore;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.indexer.store.RecordValidation;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Embedded vector store: a Lucene index on disk with an HNSW graph over the vectors (cosine), the
 * metadata as indexed fields for filtering, the perceptual hash as a numeric doc value ({@code
 * phash}, also stored). Near-duplicate search ({@link #nearDuplicates}) is a brute-force scan:
 * every row that passes the filter and has a hash is read from the doc values and compared with
 * {@link Long#bitCount} of the XOR, about 2–5 ns per row (≈ 5 ms per million rows on one core, less
 * with a selective filter), exact. Writes become visible on {@link #flush()} (commit +
 * near-real-time reopen). One process owns a directory; share the instance between writer and
 * readers in that process (see {@link dev.imgsearch.indexer.store.VectorStores}). A process that
 * only reads a directory another one writes opens it with {@link #reader}.
 */
public final class LuceneVectorStore implements VectorStore {

  private final CollectionSpec spec;
  private final FSDirectory directory;
  private final Path dir;

  /** Null in a {@link #reader}. */
  private final IndexWriter writer;

  private final SearcherManager searchers;

  /** Reloads a {@link #reader}'s last commit; null in a writer. */
  private final LuceneReaderRefresh refresh;

  private final int faceDimension;
  private final LuceneItems items;

  /** A store whose faces have {@link DetectedItems#DEFAULT_FACE_DIMENSION} dimensions. */
  public LuceneVectorStore(Path dir, CollectionSpec spec) {
    this(dir, spec, DetectedItems.DEFAULT_FACE_DIMENSION);
  }

  /**
   * A store of images, their objects ({@code spec}'s dimension) and faces ({@code faceDimension}).
   */
  public LuceneVectorStore(Path dir, CollectionSpec spec, int faceDimension) {
    if (spec.indexType() != CollectionSpec.IndexType.HNSW) {
      throw new IllegalArgumentException(
          "the embedded store indexes with HNSW only, not "
              + spec.indexType()
              + " (IVF indexes are Milvus-only)");
    }
    this.spec = spec;
    this.faceDimension = faceDimension;
    this.dir = dir;
    this.refresh = null;
    try {
      Files.createDirectories(dir);
      this.directory = FSDirectory.open(dir);
      IndexWriterConfig config = new IndexWriterConfig();
      config.setCodec(
          new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
              return new Lucene99HnswVectorsFormat(spec.hnswM(), spec.hnswEfConstruction());
            }
          });
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      // Bulk loads (re-index, benchmark): with Lucene's default 16 MB buffer a 576-d index flushes
      // a segment every
      // ~6 000 rows and background merges then re-insert those vectors into a merged HNSW graph
      // again and again. A
      // larger buffer writes few, large segments. The live sink commits on every checkpoint, so it
      // never fills it.
      config.setRAMBufferSizeMB(ramBufferMb());
      this.writer = new IndexWriter(directory, config);
      this.searchers = new SearcherManager(writer, null);
      this.items = new LuceneItems(searchers, spec, faceDimension);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open embedded vector store at " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A read-only view of a directory another process writes (the embedding job's sink in a Flink
   * TaskManager, while the query API runs in its own JVM): takes no write lock; reads see the
   * writer's last commit, reloaded every {@value LuceneReaderRefresh#INTERVAL_MILLIS} ms. Writes
   * throw {@link UnsupportedOperationException}.
   *
   * @throws UncheckedIOException when the directory holds no index yet (a writer creates it on its
   *     first flush)
   */
  public static LuceneVectorStore reader(Path dir, CollectionSpec spec) {
    return new LuceneVectorStore(dir, spec, DetectedItems.DEFAULT_FACE_DIMENSION, true);
  }

  private LuceneVectorStore(Path dir, CollectionSpec spec, int faceDimension, boolean reader) {
    this.spec = spec;
    this.faceDimension = faceDimension;
    this.dir = dir;
    this.writer = null;
    FSDirectory opened = null;
    try {
      opened = Files.isDirectory(dir) ? FSDirectory.open(dir) : null;
      if (opened == null || !DirectoryReader.indexExists(opened)) {
        throw new IOException("no index there yet (its writer creates it on its first flush)");
      }
      this.directory = opened;
      this.searchers = new SearcherManager(opened, null);
    } catch (IOException e) {
      org.apache.lucene.util.IOUtils.closeWhileHandlingException(opened);
      throw new UncheckedIOException(
          "cannot read embedded vector store at " + dir + ": " + e.getMessage(), e);
    }
    this.items = new LuceneItems(searchers, spec, faceDimension);
    this.refresh = LuceneReaderRefresh.start(searchers, dir);
  }

  /** The writer; a {@link #reader} refuses every write. */
  private IndexWriter writer() {
    if (writer == null) {
      throw new UnsupportedOperationException(
          "the embedded store at " + dir + " is open read-only: another process writes it");
    }
    return writer;
  }

  @Override
  public void ensureCollection() {
    Optional<VectorRecord> any = firstRecord();
    if (any.isPresent() && any.get().vector().length != spec.dimension()) {
      throw new IllegalStateException(
          "embedded store holds vectors of dimension "
              + any.get().vector().length
              + ", expected dimension "
              + spec.dimension()
              + "; use another directory or collection for this model");
    }
  }

  @Override
  public void upsert(List<VectorRecord> records) {
    writer();
    for (VectorRecord r : records) {
      RecordValidation.check(r, spec.dimension());
      DetectedItems.check(r, spec.dimension(), faceDimension);
    }
    int lanes =
        records.size() >= PARALLEL_UPSERT_MIN
            ? Math.min(PARALLEL_UPSERT_LANES, Runtime.getRuntime().availableProcessors())
            : 1;
    if (lanes <= 1) {
      updateAll(records);
      return;
    }
    // Bulk batches (re-index, benchmark): building the HNSW graph is the cost of a write and
    // IndexWriter indexes
    // concurrent threads into separate in-memory segments, so split the batch by id (an id's
    // changes stay in order on
    // one lane). Small batches (the live sink's) keep the single-threaded path.
    List<List<VectorRecord>> split = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      split.add(new ArrayList<>());
    }
    for (VectorRecord r : records) {
      split.get(Math.floorMod(r.id().hashCode(), lanes)).add(r);
    }
    split.parallelStream().forEach(this::updateAll);
  }

  private static final int PARALLEL_UPSERT_MIN = 512;
  private static final int PARALLEL_UPSERT_LANES = 4;

  private void updateAll(List<VectorRecord> records) {
    try {
      for (VectorRecord r : records) {
        writer().updateDocument(new Term(FIELD_ID, r.id()), LuceneImageDocuments.toDocument(r));
        LuceneItems.replace(writer(), r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("upsert failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(Collection<String> ids) {
    try {
      writer().deleteDocuments(ids.stream().map(id -> new Term(FIELD_ID, id)).toArray(Term[]::new));
      writer().deleteDocuments(ids.stream().map(LuceneItems::parentTerm).toArray(Term[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("delete failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void flush() {
    try {
      writer().commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("flush failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    checkDimension(query);
    if (k < 1) {
      throw new IllegalArgumentException("k must be ≥ 1");
    }
    return withSearcher(
        searcher -> {
          int candidates = Math.max(k, spec.searchEf());
          Query knn =
              new KnnFloatVectorQuery(
                  FIELD_VECTOR, query, candidates, LuceneImageDocuments.toQuery(filter));
          ScoreDoc[] docs = searcher.search(knn, k).scoreDocs;
          List<SearchHit> hits = new ArrayList<>(docs.length);
          var stored = searcher.storedFields();
          for (ScoreDoc sd : docs) {
            Document d = stored.document(sd.doc);
            // Lucene's COSINE score is (1 + cos) / 2; report the cosine itself.
            float cosine = 2f * sd.score - 1f;
            hits.add(LuceneImageDocuments.hitOf(d, cosine));
          }
          return hits;
        });
  }

  @Override
  public List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    VectorStore.checkNearDuplicateArguments(maxHamming, k);
    return withSearcher(
        searcher -> {
          BooleanQuery.Builder b =
              new BooleanQuery.Builder().add(new FieldExistsQuery(FIELD_PHASH), Occur.FILTER);
          Query filterQuery = LuceneImageDocuments.toQuery(filter);
          if (filterQuery != null) {
            b.add(filterQuery, Occur.FILTER);
          }
          Weight weight =
              searcher.createWeight(searcher.rewrite(b.build()), ScoreMode.COMPLETE_NO_SCORES, 1f);
          // worst of the kept candidates on top: largest distance, then largest global doc id
          Comparator<long[]> nearestFirst =
              Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]);
          PriorityQueue<long[]> best = new PriorityQueue<>(nearestFirst.reversed());
          for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = weight.scorer(leaf);
            NumericDocValues hashes = leaf.reader().getNumericDocValues(FIELD_PHASH);
            if (scorer == null || hashes == null) {
              continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator docs = scorer.iterator();
            for (int doc = docs.nextDoc();
                doc != DocIdSetIterator.NO_MORE_DOCS;
                doc = docs.nextDoc()) {
              if ((live != null && !live.get(doc)) || !hashes.advanceExact(doc)) {
                continue;
              }
              int distance = Long.bitCount(hashes.longValue() ^ phash);
              if (distance <= maxHamming) {
                best.add(new long[] {distance, leaf.docBase + doc});
                if (best.size() > k) {
                  best.poll();
                }
              }
            }
          }
          List<long[]> kept = new ArrayList<>(best);
          var stored = searcher.storedFields();
          List<SearchHit> hits = new ArrayList<>(kept.size());
          for (long[] c : kept) {
            Document d = stored.document((int) c[1]);
            hits.add(LuceneImageDocuments.hitOf(d, 0f).asDuplicate((int) c[0]));
          }
          hits.sort(Comparator.comparing(SearchHit::distance).thenComparing(SearchHit::id));
          return hits;
        });
  }

  @Override
  public Optional<VectorRecord> get(String id) {
    return withSearcher(
        searcher -> {
          ScoreDoc[] docs = searcher.search(new TermQuery(new Term(FIELD_ID, id)), 1).scoreDocs;
          return docs.length == 0
              ? Optional.empty()
              : Optional.of(
                  LuceneImageDocuments.fromDocument(searcher.storedFields().document(docs[0].doc)));
        });
  }

  @Override
  public long count() {
    return withSearcher(searcher -> (long) searcher.count(new FieldExistsQuery(FIELD_VECTOR)));
  }

  @Override
  public DetectedItemStore items() {
    return items;
  }

  @Override
  public CollectionSpec spec() {
    return spec;
  }

  @Override
  public void close() {
    try {
      // each one closed even when an earlier one fails, so the write lock is always released
      org.apache.lucene.util.IOUtils.close(refresh, searchers, writer, directory);
    } catch (IOException e) {
      throw new UncheckedIOException("close failed: " + e.getMessage(), e);
    }
  }

  private Optional<VectorRecord> firstRecord() {
    return withSearcher(
        searcher -> {
          ScoreDoc[] docs = searcher.search(new FieldExistsQuery(FIELD_VECTOR), 1).scoreDocs;
          return docs.length == 0
              ? Optional.empty()
              : Optional.of(
                  LuceneImageDocuments.fromDocument(searcher.storedFields().document(docs[0].doc)));
        });
  }

  /**
   * Indexing buffer: 256 MB (≈ 100 000 rows of 576 floats), at most an eighth of the heap, at least
   * Lucene's 16 MB.
   */
  static double ramBufferMb() {
    long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    return Math.max(IndexWriterConfig.DEFAULT_RAM_BUFFER_SIZE_MB, Math.min(256, heapMb / 8));
  }

  private void checkDimension(float[] v) {
    if (v.length != spec.dimension()) {
      throw new IllegalArgumentException(
          "vector has " + v.length + " dimensions, collection expects " + spec.dimension());
    }
  }

  private <T> T withSearcher(LuceneSearches.SearcherFunction<T> fn) {
    return LuceneSearches.withSearcher(searchers, "search failed", fn);
  }
}
