package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_BUCKET;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_KEY;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_MODEL;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_ID_LENGTH;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TAGS;
import static dev.imgsearch.indexer.store.CollectionSpec.MAX_TEXT_LENGTH;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.CollectionSpec;
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
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * {@code array_contains_any}.
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
 * requests of at most ~16 MB (Milvus accepts 64 MB). Deletes are {@code id in [..]} expressions of up to 1000 ids.
 * Records are validated before anything is sent: wrong dimension, non-finite components or over-long fields throw
 * {@link IllegalArgumentException}. Failures of Milvus calls throw {@link MilvusStoreException}.
 *
 * <p>Thread-safe: the SDK client is.
 */
public final class MilvusVectorStore implements VectorStore {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusVectorStore.class);
  private static final int MAX_TOP_K = 16384;
  private static final long MAX_REQUEST_BYTES = 16L << 20;
  private static final int DELETE_BATCH = 1000;
  private static final String COUNT = "count(*)";
  private static final List<String> HIT_FIELDS =
      List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_CAPTURED_AT, FIELD_TAGS);
  private static final List<String> ALL_FIELDS =
      List.of(
          FIELD_ID, FIELD_VECTOR, FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_CAPTURED_AT, FIELD_TAGS, FIELD_MODEL);

  private final MilvusConfig config;
  private final CollectionSpec spec;
  private final ConsistencyLevel readConsistency;
  private final MilvusClientV2 client;
  private final AtomicBoolean unflushed = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

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
    if (!hasCollection()) {
      try {
        call("createCollection", () -> {
          client.createCollection(
              CreateCollectionReq.builder()
                  .collectionName(name)
                  .collectionSchema(schema())
                  .consistencyLevel(ConsistencyLevel.BOUNDED)
                  .build());
          return null;
        });
      } catch (MilvusStoreException e) {
        if (!hasCollection()) {
          throw e;
        }
        // Another store created it meanwhile; it is checked below like any existing collection.
      }
    }
    checkSchema();
    ensureIndex();
    boolean loaded =
        call("getLoadState", () -> client.getLoadState(GetLoadStateReq.builder().collectionName(name).build()));
    if (!loaded) {
      call("loadCollection", () -> {
        client.loadCollection(LoadCollectionReq.builder().collectionName(name).sync(true).build());
        return null;
      });
    }
    LOG.info("Milvus collection '{}' ready: dimension {}, {} {} (search {}), COSINE, {}", name, spec.dimension(),
        spec.indexType(), MilvusIndexParams.buildParams(spec), MilvusIndexParams.searchParams(spec, 1), config);
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
        send(batch);
        batch = new ArrayList<>();
        batchBytes = 0;
      }
      batch.add(row(record));
      batchBytes += bytes;
    }
    if (!batch.isEmpty()) {
      send(batch);
    }
  }

  @Override
  public void delete(Collection<String> ids) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
    distinct.forEach(id -> Objects.requireNonNull(id, "id"));
    for (int from = 0; from < distinct.size(); from += DELETE_BATCH) {
      List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + DELETE_BATCH));
      String filter = MilvusFilterExpressions.idIn(chunk);
      unflushed.set(true);
      call("delete", () -> client.delete(DeleteReq.builder().collectionName(spec.name()).filter(filter).build()));
    }
  }

  @Override
  public void flush() {
    if (!unflushed.getAndSet(false)) {
      return;
    }
    try {
      call("flush", () -> {
        client.flush(FlushReq.builder().collectionNames(List.of(spec.name())).build());
        return null;
      });
      countStrong("flush");
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

  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    checkVector(query, "query");
    if (k < 1 || k > MAX_TOP_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_TOP_K + ": " + k);
    }
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
    String expression = MilvusFilterExpressions.of(filter);
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    List<List<SearchResp.SearchResult>> results =
        call("search", () -> client.search(request.build())).getSearchResults();
    List<SearchHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r : results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      Map<String, Object> e = r.getEntity();
      hits.add(
          new SearchHit(
              String.valueOf(r.getId()),
              r.getScore(),
              text(e, FIELD_BUCKET),
              text(e, FIELD_KEY),
              text(e, FIELD_SOURCE),
              ((Number) e.get(FIELD_CAPTURED_AT)).longValue(),
              strings(e.get(FIELD_TAGS))));
    }
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
            text(e, FIELD_MODEL)));
  }

  @Override
  public long count() {
    return countStrong("count");
  }

  @Override
  public CollectionSpec spec() {
    return spec;
  }

  /** Drops the collection with all its rows (tests, re-indexing); a missing collection is fine. */
  public void dropCollection() {
    call("dropCollection", () -> {
      client.dropCollection(DropCollectionReq.builder().collectionName(spec.name()).build());
      return null;
    });
  }

  /** Closes the connection; the collection and its rows stay. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  private boolean hasCollection() {
    return call(
        "hasCollection", () -> client.hasCollection(HasCollectionReq.builder().collectionName(spec.name()).build()));
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
    for (String field : List.of(FIELD_BUCKET, FIELD_KEY, FIELD_SOURCE, FIELD_MODEL)) {
      schema.addField(
          AddFieldReq.builder().fieldName(field).dataType(DataType.VarChar).maxLength(MAX_TEXT_LENGTH).build());
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
    return schema;
  }

  /** Fails with {@link IllegalStateException} when the existing collection does not have this store's layout. */
  private void checkSchema() {
    var description =
        call("describeCollection", () -> client.describeCollection(
            DescribeCollectionReq.builder().collectionName(spec.name()).build()));
    Map<String, CreateCollectionReq.FieldSchema> fields = new LinkedHashMap<>();
    description.getCollectionSchema().getFieldSchemaList().forEach(f -> fields.put(f.getName(), f));
    CreateCollectionReq.FieldSchema vector = fields.get(FIELD_VECTOR);
    if (vector != null && vector.getDataType() == DataType.FloatVector
        && !Objects.equals(vector.getDimension(), spec.dimension())) {
      throw new IllegalStateException(
          "Milvus collection '" + spec.name() + "' has vector dimension " + vector.getDimension()
              + " but this store expects dimension " + spec.dimension()
              + "; use another collection name or drop the collection and re-index");
    }
    List<String> mismatches = new ArrayList<>();
    for (CreateCollectionReq.FieldSchema expected : schema().getFieldSchemaList()) {
      CreateCollectionReq.FieldSchema actual = fields.get(expected.getName());
      if (actual == null) {
        mismatches.add(expected.getName() + " missing");
      } else if (actual.getDataType() != expected.getDataType()
          || (expected.getDataType() == DataType.Array && actual.getElementType() != expected.getElementType())) {
        mismatches.add(expected.getName() + " is " + actual.getDataType() + " instead of " + expected.getDataType());
      }
    }
    if (!FIELD_ID.equals(description.getPrimaryFieldName()) || Boolean.TRUE.equals(description.getAutoID())) {
      mismatches.add("primary key must be " + FIELD_ID + " without autoID");
    }
    if (!mismatches.isEmpty()) {
      throw new IllegalStateException(
          "Milvus collection '" + spec.name() + "' does not match this store's layout: "
              + String.join(", ", mismatches));
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

  private void send(List<JsonObject> rows) {
    unflushed.set(true);
    call("upsert", () -> client.upsert(UpsertReq.builder().collectionName(spec.name()).data(rows).build()));
  }

  private long countStrong(String operation) {
    var rows =
        call(operation, () -> client.query(
                QueryReq.builder()
                    .collectionName(spec.name())
                    .filter("")
                    .outputFields(List.of(COUNT))
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .build()))
            .getQueryResults();
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).getEntity().get(COUNT)).longValue();
  }

  private void validate(VectorRecord record) {
    Objects.requireNonNull(record, "record");
    String id = record.id();
    if (id.isEmpty() || utf8Length(id) > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("id must have 1.." + MAX_ID_LENGTH + " UTF-8 bytes: '" + id + "'");
    }
    checkVector(record.vector(), "vector of " + id);
    for (var field : List.of(
        Map.entry(FIELD_BUCKET, record.bucket()),
        Map.entry(FIELD_KEY, record.key()),
        Map.entry(FIELD_SOURCE, record.source()),
        Map.entry(FIELD_MODEL, record.model()))) {
      checkText(id, field.getKey(), field.getValue());
    }
    if (record.tags().size() > MAX_TAGS) {
      throw new IllegalArgumentException(id + " has " + record.tags().size() + " tags, at most " + MAX_TAGS);
    }
    record.tags().forEach(tag -> checkText(id, FIELD_TAGS, tag));
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

  private static void checkText(String id, String field, String value) {
    if (value == null || utf8Length(value) > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          id + ": " + field + " must be non-null with at most " + MAX_TEXT_LENGTH + " UTF-8 bytes");
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
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
    return row;
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
    try {
      return sdkCall.get();
    } catch (RuntimeException e) {
      throw new MilvusStoreException(operation, spec.name(), e);
    }
  }
}
