package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BUCKET;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_HAS_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_KEY;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_MODEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_ID_LENGTH;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TEXT_LENGTH;
import static dev.imgsearch.indexer.store.CollectionSpec.PARTITION_KEY_FIELD;
import static dev.imgsearch.indexer.store.CollectionSpec.PHASH_BITS;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.RecordValidation;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.index.request.CreateIndexReq;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.request.ListIndexesReq;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.data.BinaryVec;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VectorStore} on a Milvus collection, through the {@code MilvusClientV2} API of milvus-sdk-java 2.6, tested
 * against Milvus 2.3.5 standalone (and meant for 2.3 and later servers).
 *
 * <p>Collection layout ({@link CollectionSpec} field names): {@code id} VARCHAR({@value CollectionSpec#MAX_ID_LENGTH})
 * primary key with {@code autoID=false} (so upserts replace), {@code vector} FLOAT_VECTOR(dimension) with an HNSW index
 * by default (M, efConstruction from the spec; IVF_FLAT or IVF_SQ8 with nlist/nprobe when the spec says so, see
 * {@link MilvusIndexParams}) and metric COSINE, so search scores are cosine similarities, {@code bucket},
 * {@code key}, {@code source}, {@code model} VARCHAR({@value CollectionSpec#MAX_TEXT_LENGTH}), {@code captured_at}
 * INT64 (epoch millis) and {@code tags} ARRAY of up to {@value CollectionSpec#MAX_TAGS} VARCHARs, filtered with
 * {@code array_contains_any}, {@code phash} INT64 with {@code has_phash} BOOL (Milvus 2.3 has no nullable scalars).
 * {@code source} is the partition key (Milvus ≥ 2.2.9; the server's default of 64 partitions): rows are hashed to
 * partitions by source and a {@code source in [..]} filter searches only theirs.
 *
 * <p>Perceptual hashes: Milvus 2.3 allows one vector field per collection, so a companion collection {@code
 * <name>_phash} ({@link CollectionSpec#phashCollectionName()}) holds, for every row that has a hash, {@code id}
 * (primary key), {@code phash} BINARY_VECTOR(64) with a BIN_FLAT index and metric HAMMING (exact), and the hit and
 * filter fields {@code bucket}, {@code key}, {@code source} (partition key), {@code captured_at}, {@code tags}.
 * {@link #upsert} writes the main rows, then upserts the companion rows of records with a hash and deletes those of
 * records without one; {@link #delete} deletes from both. Every step is idempotent by id, so a repeated (retried or
 * replayed) batch converges both collections. {@link #nearDuplicates} is a top-k HAMMING search on the companion,
 * cut at the radius; the hash bytes are the big-endian bytes of the {@code long}.
 *
 * <p>Reads: {@link #search} and {@link #get} use {@link MilvusConfig#searchConsistency()} (Bounded by default, see
 * {@link MilvusConfig.Consistency} for the trade-off); {@link #count} is an exact {@code count(*)} query at Strong
 * consistency (collection statistics would still count deleted rows). {@link #flush} seals and persists the written
 * segments (Milvus flush, which the SDK waits for: about 4.4 s measured on 2.3.5) and then runs a Strong query, after
 * which the query node has consumed every earlier write, so searches at any consistency level see them (measured; for a
 * standalone server or a single replica). A flush with nothing written through this store since the last one returns
 * at once. Milvus advises against frequent flushes (each one seals small segments); acknowledged writes are already in
 * its message log, which a restarted server replays.
 *
 * <p>Writes: an upsert batch is de-duplicated by id (the last record wins; Milvus 2.3 would keep both) and split into
 * requests of at most ~16 MB (Milvus accepts 64 MB), each written as a delete of its ids followed by an insert (a Milvus
 * upsert misroutes partition-key rows on 2.3.5, see {@link #send}). Deletes are {@code id in [..]} expressions of up to 1000 ids.
 * Records are validated before anything is sent ({@link RecordValidation}, the same check as the embedded store's):
 * wrong dimension, non-finite components or fields over the {@code FieldLimits} throw {@link
 * dev.imgsearch.indexer.store.RecordRejectedException} naming the record. Failures of Milvus calls throw {@link MilvusStoreException}.
 *
 * <p>Thread-safe: the SDK client is.
 */
public final class MilvusVectorStore implements VectorStore {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusVectorStore.class);
  private static final int MAX_TOP_K = 16384;
  private static final long MAX_REQUEST_BYTES = 16L << 20;
  private static final int DELETE_BATCH = 1000;
  /**
   * A filtered search whose filter matches at most this many rows is answered exactly (the matching rows' vectors
   * ranked by cosine here) instead of by the server's ANN search; see {@link #search}.
   */
  static final int EXACT_FILTER_MAX_ROWS = 1024;
  private static final String COUNT = "count(*)";
  private static final List<String> HIT_FIELDS =
      List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_CAPTURED_AT, FIELD_TAGS);
  private static final List<String> ALL_FIELDS =
      List.of(
          FIELD_ID, FIELD_VECTOR, FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_CAPTURED_AT, FIELD_TAGS, FIELD_MODEL,
          FIELD_PHASH, FIELD_HAS_PHASH);

  private final MilvusConfig config;
  private final CollectionSpec spec;
  private final ConsistencyLevel readConsistency;
  private final MilvusClientV2 client;
  private final AtomicBoolean unflushed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Runs the match-count probe of a filtered search next to its ANN search. */
  private final ExecutorService probes =
      Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "milvus-filter-probe");
        t.setDaemon(true);
        return t;
      });

  /** Connects; {@link #ensureCollection()} creates or checks the collection. */
  public MilvusVectorStore(MilvusConfig config, CollectionSpec spec) {
    this.config = Objects.requireNonNull(config, "config");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.readConsistency = ConsistencyLevel.valueOf(config.searchConsistency().name());
    ConnectConfig.ConnectConfigBuilder connect = ConnectConfig.builder().uri(config.uri()).dbName(config.database());
    if (!config.token().isEmpty()) {
      connect.token(config.token());
    }
    this.client = call("connect", () -> new MilvusClientV2(connect.build()));
  }

  @Override
  public void ensureCollection() {
    String name = spec.name();
    createIfMissing(name, schema());
    checkSchema(name, schema());
    ensureIndex();
    load(name);
    String companion = spec.phashCollectionName();
    createIfMissing(companion, phashSchema());
    checkSchema(companion, phashSchema());
    ensurePhashIndex();
    load(companion);
    LOG.info("Milvus collection '{}' ready: dimension {}, {} {} (search {}), COSINE, {}", name, spec.dimension(),
        spec.indexType(), MilvusIndexParams.buildParams(spec), MilvusIndexParams.searchParams(spec, 1), config);
  }

  private void createIfMissing(String name, CreateCollectionReq.CollectionSchema schema) {
    if (!hasCollection(name)) {
      try {
        call("createCollection", name, () -> {
          client.createCollection(
              CreateCollectionReq.builder()
                  .collectionName(name)
                  .collectionSchema(schema)
                  .consistencyLevel(ConsistencyLevel.BOUNDED)
                  .build());
          return null;
        });
      } catch (MilvusStoreException e) {
        if (!hasCollection(name)) {
          throw e;
        }
        // Another store created it meanwhile; it is checked like any existing collection.
      }
    }
  }

  private void load(String name) {
    boolean loaded =
        call("getLoadState", name, () -> client.getLoadState(GetLoadStateReq.builder().collectionName(name).build()));
    if (!loaded) {
      call("loadCollection", name, () -> {
        client.loadCollection(LoadCollectionReq.builder().collectionName(name).sync(true).build());
        return null;
      });
    }
  }

  @Override
  public void upsert(List<VectorRecord> records) {
    Map<String, VectorRecord> byId = new LinkedHashMap<>();
    for (VectorRecord record : records) {
      validate(record);
      byId.remove(record.id());
      byId.put(record.id(), record);
    }
    List<JsonObject> batch = new ArrayList<>();
    long batchBytes = 0;
    for (VectorRecord record : byId.values()) {
      long bytes = estimatedBytes(record);
      if (!batch.isEmpty() && batchBytes + bytes > MAX_REQUEST_BYTES) {
        send(spec.name(), batch);
        batch = new ArrayList<>();
        batchBytes = 0;
      }
      batch.add(row(record));
      batchBytes += bytes;
    }
    if (!batch.isEmpty()) {
      send(spec.name(), batch);
    }
    // The companion: the hashes of the records that have one (split by the same size estimate), and no row for the
    // others, so an upsert without a hash removes the old one.
    List<JsonObject> hashed = new ArrayList<>();
    List<String> unhashed = new ArrayList<>();
    long hashedBytes = 0;
    for (VectorRecord record : byId.values()) {
      if (record.phash() == null) {
        unhashed.add(record.id());
        continue;
      }
      long bytes = estimatedBytes(record) - 4L * record.vector().length + PHASH_BITS / 8;
      if (!hashed.isEmpty() && hashedBytes + bytes > MAX_REQUEST_BYTES) {
        send(spec.phashCollectionName(), hashed);
        hashed = new ArrayList<>();
        hashedBytes = 0;
      }
      hashed.add(phashRow(record));
      hashedBytes += bytes;
    }
    if (!hashed.isEmpty()) {
      send(spec.phashCollectionName(), hashed);
    }
    deleteFrom(spec.phashCollectionName(), unhashed);
  }

  @Override
  public void delete(Collection<String> ids) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    distinct.forEach(id -> Objects.requireNonNull(id, "id"));
    deleteFrom(spec.name(), distinct);
    deleteFrom(spec.phashCollectionName(), distinct);
  }

  private void deleteFrom(String collection, List<String> distinct) {
    for (int from = 0; from < distinct.size(); from += DELETE_BATCH) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + DELETE_BATCH));
      String filter = MilvusFilterExpressions.idIn(chunk);
      unflushed.set(true);
      call("delete", collection,
          () -> client.delete(DeleteReq.builder().collectionName(collection).filter(filter).build()));
    }
  }

  @Override
  public void flush() {
    if (!unflushed.getAndSet(false)) {
      return;
    }
    try {
      call("flush", () -> {
        client.flush(FlushReq.builder().collectionNames(List.of(spec.name(), spec.phashCollectionName())).build());
        return null;
      });
      countStrong("flush", spec.name());
      countStrong("flush", spec.phashCollectionName());
    } catch (RuntimeException e) {
      unflushed.set(true);
      throw e;
    }
  }

  /**
   * Nothing to do: {@link #upsert} and {@link #delete} return once Milvus acknowledged the request, and an
   * acknowledged write is in the server's write-ahead log (RocksMQ in standalone, Pulsar/Kafka in a cluster), which a
   * restarted server replays (tested: {@code MilvusVectorStoreIT.acknowledgedWritesSurviveAServerRestartWithoutFlush}).
   * Strong searches see such writes at once; Bounded and Eventually searches may not until {@link #flush()} or the
   * server's own sealing — see the indexer README for the trade-off.
   */
  @Override
  public void persist() {}

  /**
   * Top-{@code k} by cosine. Unfiltered: the server's ANN search. Filtered: the ANN search and, next to it, a probe
   * for the ids matching the filter (at most {@value #EXACT_FILTER_MAX_ROWS} + 1); when the filter matches at most
   * {@value #EXACT_FILTER_MAX_ROWS} rows and the ANN search did not return all of them, the answer is exact instead:
   * the matching rows (≤ 1 024 vectors, ≈ 2.4 MB at 576-d) are read and ranked by cosine here (ties by id). Broader
   * filters keep the ANN answer, which on the interim index below is approximate like an unfiltered search.
   *
   * <p>Why: Milvus 2.3 searches a growing segment above ~10 % of its maximum size, and a sealed segment whose HNSW
   * index is not built or loaded yet, through an interim IVF_FLAT_CC index ({@code
   * queryNode.segcore.interimIndex}: nlist 128, or rows / 39 when fewer, probing a fixed 16 lists; the request's
   * {@code ef}/{@code nprobe} are ignored) and applies the filter inside the probed lists only, so a selective filter
   * returned a fraction of its rows (measured by {@code MilvusFilteredSearchIT}: 7 000 rows of one source, a 20-row
   * time range at k 20 → 2–4 hits). Sealed HNSW segments and small segments (searched by brute force) are not
   * affected.
   */
  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    checkVector(query, "query");
    if (k < 1 || k > MAX_TOP_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_TOP_K + ": " + k);
    }
    String expression = MilvusFilterExpressions.of(filter);
    if (expression.isEmpty()) {
      return annSearch(query, k, expression);
    }
    CompletableFuture<Integer> matching =
        CompletableFuture.supplyAsync(() -> matchingRows(expression, List.of(FIELD_ID)).size(), probes);
    List<SearchHit> hits = annSearch(query, k, expression);
    int matches;
    try {
      matches = matching.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    if (matches > EXACT_FILTER_MAX_ROWS || hits.size() >= matches) {
      return hits; // a broad filter, or every matching row came back (nothing to rank differently)
    }
    return exactSearch(query, k, expression).orElse(hits);
  }

  private List<SearchHit> annSearch(float[] query, int k, String expression) {
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(spec.name())
            .annsField(FIELD_VECTOR)
            .metricType(IndexParam.MetricType.COSINE)
            .data(List.of(new FloatVec(query)))
            .limit(k)
            .searchParams(MilvusIndexParams.searchParams(spec, k))
            .outputFields(HIT_FIELDS)
            .consistencyLevel(readConsistency);
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    List<List<SearchResp.SearchResult>> results =
        call("search", () -> client.search(request.build())).getSearchResults();
    List<SearchHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r : results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      hits.add(hit(String.valueOf(r.getId()), r.getScore(), r.getEntity()));
    }
    return hits;
  }

  /**
   * The exact top-{@code k} of the rows matching {@code expression}, ranked by cosine here; empty when more than
   * {@value #EXACT_FILTER_MAX_ROWS} rows match now (rows were written since the probe).
   */
  private Optional<List<SearchHit>> exactSearch(float[] query, int k, String expression) {
    List<String> fields = new ArrayList<>(HIT_FIELDS);
    fields.add(FIELD_ID);
    fields.add(FIELD_VECTOR);
    var rows = matchingRows(expression, fields);
    if (rows.size() > EXACT_FILTER_MAX_ROWS) {
      return Optional.empty();
    }
    double queryNorm = Math.sqrt(dot(query, query));
    List<SearchHit> hits = new ArrayList<>(rows.size());
    for (var row : rows) {
      Map<String, Object> e = row.getEntity();
      List<?> components = (List<?>) e.get(FIELD_VECTOR);
      float[] vector = new float[components.size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = ((Number) components.get(i)).floatValue();
      }
      double norm = Math.sqrt(dot(vector, vector)) * queryNorm;
      float score = norm == 0 ? 0f : (float) (dot(query, vector) / norm);
      hits.add(hit(String.valueOf(e.get(FIELD_ID)), score, e));
    }
    hits.sort(Comparator.comparing(SearchHit::score).reversed().thenComparing(SearchHit::id));
    return Optional.of(List.copyOf(hits.subList(0, Math.min(k, hits.size()))));
  }

  /** Up to {@value #EXACT_FILTER_MAX_ROWS} + 1 rows matching {@code expression}, at the search consistency. */
  private List<QueryResp.QueryResult> matchingRows(String expression, List<String> fields) {
    return call("search", () -> client.query(
            QueryReq.builder()
                .collectionName(spec.name())
                .filter(expression)
                .outputFields(fields)
                .limit(EXACT_FILTER_MAX_ROWS + 1L)
                .consistencyLevel(readConsistency)
                .build()))
        .getQueryResults();
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static SearchHit hit(String id, float score, Map<String, Object> e) {
    return new SearchHit(
        id,
        score,
        text(e, FIELD_BUCKET),
        text(e, FIELD_KEY),
        text(e, FIELD_SOURCE),
        ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
        strings(e.get(FIELD_TAGS)));
  }

  @Override
  public List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    VectorStore.checkNearDuplicateArguments(maxHamming, k);
    if (k > MAX_TOP_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_TOP_K + ": " + k);
    }
    String collection = spec.phashCollectionName();
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(collection)
            .annsField(FIELD_PHASH)
            .metricType(IndexParam.MetricType.HAMMING)
            .data(List.of(new BinaryVec(phashBytes(phash))))
            .limit(k)
            .outputFields(HIT_FIELDS)
            .consistencyLevel(readConsistency);
    String expression = MilvusFilterExpressions.of(filter);
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    List<List<SearchResp.SearchResult>> results =
        call("nearDuplicates", collection, () -> client.search(request.build())).getSearchResults();
    List<SearchHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r : results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      int distance = Math.round(r.getScore());
      if (distance > maxHamming) {
        continue;
      }
      Map<String, Object> e = r.getEntity();
      hits.add(
          SearchHit.duplicate(
              String.valueOf(r.getId()),
              distance,
              text(e, FIELD_BUCKET),
              text(e, FIELD_KEY),
              text(e, FIELD_SOURCE),
              ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
              strings(e.get(FIELD_TAGS))));
    }
    hits.sort(Comparator.comparing(SearchHit::distance).thenComparing(SearchHit::id));
    return hits;
  }

  @Override
  public Optional<VectorRecord> get(String id) {
    Objects.requireNonNull(id, "id");
    var rows =
        call("get", () -> client.query(
                QueryReq.builder()
                    .collectionName(spec.name())
                    .filter(MilvusFilterExpressions.idIn(List.of(id)))
                    .outputFields(ALL_FIELDS)
                    .consistencyLevel(readConsistency)
                    .build()))
            .getQueryResults();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> e = rows.get(0).getEntity();
    List<?> components = (List<?>) e.get(FIELD_VECTOR);
    float[] vector = new float[components.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = ((Number) components.get(i)).floatValue();
    }
    return Optional.of(
        new VectorRecord(
            String.valueOf(e.get(FIELD_ID)),
            vector,
            text(e, FIELD_BUCKET),
            text(e, FIELD_KEY),
            text(e, FIELD_SOURCE),
            ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
            strings(e.get(FIELD_TAGS)),
            text(e, FIELD_MODEL),
            Boolean.TRUE.equals(e.get(FIELD_HAS_PHASH)) ? ((Number) e.get(FIELD_PHASH)).longValue() : null));
  }

  @Override
  public long count() {
    return countStrong("count", spec.name());
  }

  @Override
  public CollectionSpec spec() {
    return spec;
  }

  /** Drops the collection and its perceptual-hash companion with all their rows; missing collections are fine. */
  public void dropCollection() {
    for (String name : List.of(spec.name(), spec.phashCollectionName())) {
      call("dropCollection", name, () -> {
        client.dropCollection(DropCollectionReq.builder().collectionName(name).build());
        return null;
      });
    }
  }

  /** Closes the connection; the collection and its rows stay. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      probes.shutdown();
      client.close();
    }
  }

  private boolean hasCollection(String name) {
    return call(
        "hasCollection", name, () -> client.hasCollection(HasCollectionReq.builder().collectionName(name).build()));
  }

  private CreateCollectionReq.CollectionSchema schema() {
    CreateCollectionReq.CollectionSchema schema = MilvusClientV2.CreateSchema();
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_ID)
            .dataType(DataType.VarChar)
            .maxLength(MAX_ID_LENGTH)
            .isPrimaryKey(true)
            .autoID(false)
            .build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_VECTOR)
            .dataType(DataType.FloatVector)
            .dimension(spec.dimension())
            .build());
    addHitFields(schema);
    schema.addField(
        AddFieldReq.builder().fieldName(FIELD_MODEL).dataType(DataType.VarChar).maxLength(MAX_TEXT_LENGTH).build());
    schema.addField(AddFieldReq.builder().fieldName(FIELD_PHASH).dataType(DataType.Int64).build());
    schema.addField(AddFieldReq.builder().fieldName(FIELD_HAS_PHASH).dataType(DataType.Bool).build());
    return schema;
  }

  /** The companion collection: id, the hash as BINARY_VECTOR(64) and the fields hits show and filters use. */
  private static CreateCollectionReq.CollectionSchema phashSchema() {
    CreateCollectionReq.CollectionSchema schema = MilvusClientV2.CreateSchema();
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_ID)
            .dataType(DataType.VarChar)
            .maxLength(MAX_ID_LENGTH)
            .isPrimaryKey(true)
            .autoID(false)
            .build());
    schema.addField(
        AddFieldReq.builder().fieldName(FIELD_PHASH).dataType(DataType.BinaryVector).dimension(PHASH_BITS).build());
    addHitFields(schema);
    return schema;
  }

  /** bucket, key, source (the partition key), captured_at, tags. */
  private static void addHitFields(CreateCollectionReq.CollectionSchema schema) {
    for (String field : List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE)) {
      schema.addField(
          AddFieldReq.builder()
              .fieldName(field)
              .dataType(DataType.VarChar)
              .maxLength(MAX_TEXT_LENGTH)
              .isPartitionKey(field.equals(PARTITION_KEY_FIELD))
              .build());
    }
    schema.addField(AddFieldReq.builder().fieldName(FIELD_CAPTURED_AT).dataType(DataType.Int64).build());
    schema.addField(
        AddFieldReq.builder()
            .fieldName(FIELD_TAGS)
            .dataType(DataType.Array)
            .elementType(DataType.VarChar)
            .maxLength(MAX_TEXT_LENGTH)
            .maxCapacity(MAX_TAGS)
            .build());
  }

  /** Fails with {@link IllegalStateException} when the existing collection does not have this store's layout. */
  private void checkSchema(String name, CreateCollectionReq.CollectionSchema expectedSchema) {
    var description =
        call("describeCollection", name, () -> client.describeCollection(
            DescribeCollectionReq.builder().collectionName(name).build()));
    Map<String, CreateCollectionReq.FieldSchema> fields = new LinkedHashMap<>();
    description.getCollectionSchema().getFieldSchemaList().forEach(f -> fields.put(f.getName(), f));
    CreateCollectionReq.FieldSchema vector = fields.get(FIELD_VECTOR);
    if (name.equals(spec.name()) && vector != null && vector.getDataType() == DataType.FloatVector
        && !Objects.equals(vector.getDimension(), spec.dimension())) {
      throw new IllegalStateException(
          "Milvus collection '" + name + "' has vector dimension " + vector.getDimension()
              + " but this store expects dimension " + spec.dimension()
              + "; use another collection name or drop the collection and re-index");
    }
    List<String> mismatches = new ArrayList<>();
    for (CreateCollectionReq.FieldSchema expected : expectedSchema.getFieldSchemaList()) {
      CreateCollectionReq.FieldSchema actual = fields.get(expected.getName());
      if (actual == null) {
        mismatches.add(expected.getName() + " missing");
      } else if (actual.getDataType() != expected.getDataType()
          || (expected.getDataType() == DataType.Array && actual.getElementType() != expected.getElementType())) {
        mismatches.add(expected.getName() + " is " + actual.getDataType() + " instead of " + expected.getDataType());
      } else if (expected.getDataType() == DataType.BinaryVector
          && !Objects.equals(actual.getDimension(), expected.getDimension())) {
        mismatches.add(expected.getName() + " has dimension " + actual.getDimension() + " instead of "
            + expected.getDimension());
      } else if (Boolean.TRUE.equals(expected.getIsPartitionKey()) != Boolean.TRUE.equals(actual.getIsPartitionKey())) {
        mismatches.add(expected.getName() + (Boolean.TRUE.equals(expected.getIsPartitionKey())
            ? " is not the partition key" : " is a partition key"));
      }
    }
    if (!FIELD_ID.equals(description.getPrimaryFieldName()) || Boolean.TRUE.equals(description.getAutoID())) {
      mismatches.add("primary key must be " + FIELD_ID + " without autoID");
    }
    if (!mismatches.isEmpty()) {
      throw new IllegalStateException(
          "Milvus collection '" + name + "' does not match this store's layout: " + String.join(", ", mismatches)
              + "; use another collection name or re-index into a new collection");
    }
  }

  /** Creates the HNSW/COSINE index when missing; an existing index must use COSINE, the metric scores are in. */
  private void ensureIndex() {
    List<String> indexes =
        call("listIndexes", () -> client.listIndexes(
            ListIndexesReq.builder().collectionName(spec.name()).fieldName(FIELD_VECTOR).build()));
    if (indexes.isEmpty()) {
      IndexParam index = MilvusIndexParams.vectorIndex(spec);
      call("createIndex", () -> {
        client.createIndex(CreateIndexReq.builder().collectionName(spec.name()).indexParams(List.of(index)).build());
        return null;
      });
      return;
    }
    var description =
        call("describeIndex", () -> client.describeIndex(
            DescribeIndexReq.builder().collectionName(spec.name()).fieldName(FIELD_VECTOR).build()));
    var index = description.getIndexDescByFieldName(FIELD_VECTOR);
    if (index != null && index.getMetricType() != IndexParam.MetricType.COSINE) {
      throw new IllegalStateException(
          "Milvus collection '" + spec.name() + "' indexes " + FIELD_VECTOR + " with metric " + index.getMetricType()
              + "; this store needs COSINE");
    }
    if (index != null && index.getIndexType() != MilvusIndexParams.indexType(spec)) {
      throw new IllegalStateException(
          "Milvus collection '" + spec.name() + "' has a " + index.getIndexType() + " index but the spec asks for "
              + spec.indexType() + "; build a new collection (re-index) to change the index type");
    }
  }

  /** Creates the companion's BIN_FLAT/HAMMING index when missing; an existing one must use HAMMING. */
  private void ensurePhashIndex() {
    String name = spec.phashCollectionName();
    List<String> indexes =
        call("listIndexes", name, () -> client.listIndexes(
            ListIndexesReq.builder().collectionName(name).fieldName(FIELD_PHASH).build()));
    if (indexes.isEmpty()) {
      IndexParam index = MilvusIndexParams.phashIndex();
      call("createIndex", name, () -> {
        client.createIndex(CreateIndexReq.builder().collectionName(name).indexParams(List.of(index)).build());
        return null;
      });
      return;
    }
    var description =
        call("describeIndex", name, () -> client.describeIndex(
            DescribeIndexReq.builder().collectionName(name).fieldName(FIELD_PHASH).build()));
    var index = description.getIndexDescByFieldName(FIELD_PHASH);
    if (index != null && index.getMetricType() != IndexParam.MetricType.HAMMING) {
      throw new IllegalStateException(
          "Milvus collection '" + name + "' indexes " + FIELD_PHASH + " with metric " + index.getMetricType()
              + "; this store needs HAMMING");
    }
  }

  /**
   * Replaces rows by id: a delete of their ids, then an insert. Not a Milvus upsert: on 2.3.5 an upsert into a
   * collection with a partition key stores the rows in the wrong partition, so a {@code source} filter (which prunes
   * partitions) no longer finds them (measured: after an upsert {@code source == "cam-1"} finds nothing, after an
   * insert it finds the rows). Milvus orders the delete before the insert by timestamp; a reader between the two
   * requests may miss the rows, and a failure between them leaves them deleted until the (idempotent) batch is retried.
   */
  private void send(String collection, List<JsonObject> rows) {
    unflushed.set(true);
    List<String> ids = rows.stream().map(r -> r.get(FIELD_ID).getAsString()).toList();
    deleteFrom(collection, ids);
    call("insert", collection,
        () -> client.insert(InsertReq.builder().collectionName(collection).data(rows).build()));
  }

  private long countStrong(String operation, String collection) {
    var rows =
        call(operation, collection, () -> client.query(
                QueryReq.builder()
                    .collectionName(collection)
                    .filter("")
                    .outputFields(List.of(COUNT))
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .build()))
            .getQueryResults();
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).getEntity().get(COUNT)).longValue();
  }

  private void validate(VectorRecord record) {
    RecordValidation.check(record, spec.dimension());
  }

  private void checkVector(float[] vector, String what) {
    Objects.requireNonNull(vector, what);
    if (vector.length != spec.dimension()) {
      throw new IllegalArgumentException(
          what + " has dimension " + vector.length + ", collection '" + spec.name() + "' has " + spec.dimension());
    }
    for (float v : vector) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(what + " has a non-finite component");
      }
    }
  }

  private static long estimatedBytes(VectorRecord r) {
    long text = r.id().length() + r.bucket().length() + r.key().length() + r.source().length() + r.model().length();
    for (String tag : r.tags()) {
      text += tag.length() + 8;
    }
    return 4L * r.vector().length + 3 * text + 64;
  }

  private static JsonObject row(VectorRecord r) {
    JsonObject row = new JsonObject();
    row.addProperty(FIELD_ID, r.id());
    JsonArray vector = new JsonArray(r.vector().length);
    for (float v : r.vector()) {
      vector.add(v);
    }
    row.add(FIELD_VECTOR, vector);
    row.addProperty(FIELD_BUCKET, r.bucket());
    row.addProperty(FIELD_KEY, r.key());
    row.addProperty(FIELD_SOURCE, r.source());
    row.addProperty(FIELD_MODEL, r.model());
    row.addProperty(FIELD_CAPTURED_AT, r.capturedAtMillis());
    JsonArray tags = new JsonArray(r.tags().size());
    r.tags().forEach(tags::add);
    row.add(FIELD_TAGS, tags);
    row.addProperty(FIELD_PHASH, r.phash() == null ? 0L : r.phash());
    row.addProperty(FIELD_HAS_PHASH, r.phash() != null);
    return row;
  }

  private static JsonObject phashRow(VectorRecord r) {
    JsonObject row = new JsonObject();
    row.addProperty(FIELD_ID, r.id());
    JsonArray hash = new JsonArray(PHASH_BITS / 8);
    for (byte b : phashBytes(r.phash())) {
      hash.add(b);
    }
    row.add(FIELD_PHASH, hash);
    row.addProperty(FIELD_BUCKET, r.bucket());
    row.addProperty(FIELD_KEY, r.key());
    row.addProperty(FIELD_SOURCE, r.source());
    row.addProperty(FIELD_CAPTURED_AT, r.capturedAtMillis());
    JsonArray tags = new JsonArray(r.tags().size());
    r.tags().forEach(tags::add);
    row.add(FIELD_TAGS, tags);
    return row;
  }

  /** The BINARY_VECTOR(64) form of a hash: the big-endian bytes of the {@code long}. */
  static byte[] phashBytes(long phash) {
    return ByteBuffer.allocate(Long.BYTES).putLong(phash).array();
  }

  private static String text(Map<String, Object> entity, String field) {
    Object value = entity.get(field);
    return value == null ? "" : value.toString();
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).toList();
  }

  /** Runs one SDK call, wrapping whatever it throws into a {@link MilvusStoreException} naming the operation. */
  private <T> T call(String operation, Supplier<T> sdkCall) {
    return call(operation, spec.name(), sdkCall);
  }

  private <T> T call(String operation, String collection, Supplier<T> sdkCall) {
    try {
      return sdkCall.get();
    } catch (RuntimeException e) {
      throw new MilvusStoreException(operation, collection, e);
    }
  }
}
