package dev.imgsearch.indexer.store.milvus;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItemStore;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.indexer.store.RecordValidation;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VectorStore} on a Milvus collection, through the {@code MilvusClientV2} API of
 * milvus-sdk-java 2.6, tested against Milvus 2.3.5 standalone (and meant for 2.3 and later
 * servers).
 *
 * <p>Collection layout ({@link CollectionSpec} field names): {@code id} VARCHAR({@value
 * CollectionSpec#MAX_ID_LENGTH}) primary key with {@code autoID=false} (so upserts replace), {@code
 * vector} FLOAT_VECTOR(dimension) with an HNSW index by default (M, efConstruction from the spec;
 * IVF_FLAT or IVF_SQ8 with nlist/nprobe when the spec says so, see {@link MilvusIndexParams}) and
 * metric COSINE, so search scores are cosine similarities, {@code bucket}, {@code key}, {@code
 * source}, {@code model} VARCHAR({@value CollectionSpec#MAX_TEXT_LENGTH}), {@code captured_at}
 * INT64 (epoch millis) and {@code tags} ARRAY of up to {@value CollectionSpec#MAX_TAGS} VARCHARs,
 * filtered with {@code array_contains_any}, {@code phash} INT64 with {@code has_phash} BOOL (Milvus
 * 2.3 has no nullable scalars), and scene-change gating's reference {@code scene_of}
 * VARCHAR({@value CollectionSpec#MAX_ID_LENGTH}) with {@code scene_start} INT64 (empty and 0 for a
 * frame embedded itself; {@link MilvusSchemas#SCENE_FIELDS}). A collection created before the scene
 * fields is used without them: {@link #ensureCollection()} logs a warning, rows go without a scene
 * and hits and {@link #get} carry none; a re-index into a new collection adds them. {@code source}
 * is the partition key (Milvus ≥ 2.2.9; the server's default of 64 partitions): rows are hashed to
 * partitions by source and a {@code source in [..]} filter searches only theirs.
 *
 * <p>Perceptual hashes: Milvus 2.3 allows one vector field per collection, so a companion
 * collection {@code <name>_phash} ({@link CollectionSpec#phashCollectionName()}) holds, for every
 * row that has a hash, {@code id} (primary key), {@code phash} BINARY_VECTOR(64) with a BIN_FLAT
 * index and metric HAMMING (exact), and the hit and filter fields {@code bucket}, {@code key},
 * {@code source} (partition key), {@code captured_at}, {@code tags}, and the scene fields. {@link
 * #upsert} writes the main rows, then upserts the companion rows of records with a hash and deletes
 * those of records without one; {@link #delete} deletes from both. Every step is idempotent by id,
 * so a repeated (retried or replayed) batch converges both collections. {@link #nearDuplicates} is
 * a top-k HAMMING search on the companion, cut at the radius; the hash bytes are the big-endian
 * bytes of the {@code long}.
 *
 * <p>Reads: {@link #search} and {@link #get} use {@link MilvusConfig#searchConsistency()} (Bounded
 * by default, see {@link MilvusConfig.Consistency} for the trade-off); {@link #count} is an exact
 * {@code count(*)} query at Strong consistency (collection statistics would still count deleted
 * rows). {@link #flush} seals and persists the written segments (Milvus flush, which the SDK waits
 * for: about 4.4 s measured on 2.3.5) and then runs a Strong query, after which the query node has
 * consumed every earlier write, so searches at any consistency level see them (measured; for a
 * standalone server or a single replica). A flush with nothing written through this store since the
 * last one returns at once. Milvus advises against frequent flushes (each one seals small
 * segments); acknowledged writes are already in its message log, which a restarted server replays.
 *
 * <p>Writes: an upsert batch is de-duplicated by id (the last record wins; Milvus 2.3 would keep
 * both) and split into requests of at most ~16 MB (Milvus accepts 64 MB), each written as a delete
 * of its ids followed by an insert (a Milvus upsert misroutes partition-key rows on 2.3.5, see
 * {@link MilvusWrites}). Deletes are {@code id in [..]} expressions of up to 1000 ids. Records are
 * validated before anything is sent ({@link RecordValidation}, the same check as the embedded
 * store's): wrong dimension, non-finite components or fields over the {@code FieldLimits} throw
 * {@link dev.imgsearch.indexer.store.RecordRejectedException} naming the record. Failures of Milvus
 * calls throw {@link MilvusStoreException}.
 *
 * <p>Thread-safe: the SDK client is.
 *
 * <p>The work is done by collaborators sharing one client: {@link MilvusCollections} (create,
 * check, load, drop; the layouts in {@link MilvusSchemas}), {@link MilvusWrites} (upsert, delete,
 * flush; planned by {@link MilvusUpsertPlan}, rows by {@link MilvusRows}), {@link
 * MilvusVectorSearch} (with the exact path of {@link MilvusExactFilter}), {@link
 * MilvusNearDuplicates} and {@link MilvusReads} (get, count; the three share a {@link
 * MilvusReadContext}); every SDK call goes through {@link MilvusCalls}.
 */
public final class MilvusVectorStore implements VectorStore {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusVectorStore.class);

  private final MilvusConfig config;
  private final CollectionSpec spec;
  private final MilvusClientV2 client;
  private final MilvusCollections collections;
  private final MilvusReads reads;
  private final MilvusWrites writes;
  private final MilvusVectorSearch vectorSearch;
  private final MilvusNearDuplicates nearDuplicates;
  private final MilvusItems items;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Connects; faces have {@link DetectedItems#DEFAULT_FACE_DIMENSION} dimensions. */
  public MilvusVectorStore(MilvusConfig config, CollectionSpec spec) {
    this(config, spec, DetectedItems.DEFAULT_FACE_DIMENSION);
  }

  /**
   * Connects; {@link #ensureCollection()} creates or checks the collections: images, their objects
   * and faces ({@link MilvusItems}, faces of {@code faceDimension}).
   */
  public MilvusVectorStore(MilvusConfig config, CollectionSpec spec, int faceDimension) {
    this.config = Objects.requireNonNull(config, "config");
    this.spec = Objects.requireNonNull(spec, "spec");
    ConsistencyLevel readConsistency = ConsistencyLevel.valueOf(config.searchConsistency().name());
    this.client = MilvusCalls.connect(config, spec.name());
    this.collections = new MilvusCollections(client, spec);
    var read = new MilvusReadContext(client, spec, readConsistency, collections::keepsScenes);
    this.reads = new MilvusReads(read);
    this.writes = new MilvusWrites(client, spec, reads);
    this.vectorSearch = new MilvusVectorSearch(read);
    this.nearDuplicates =
        new MilvusNearDuplicates(
            new MilvusReadContext(
                client, spec, readConsistency, collections::companionKeepsScenes));
    this.items = new MilvusItems(read, faceDimension, collections);
  }

  @Override
  public void ensureCollection() {
    collections.ensure();
    items.ensure();
    LOG.info(
        "Milvus collection '{}' ready: dimension {}, {} {} (search {}), COSINE, {}",
        spec.name(),
        spec.dimension(),
        spec.indexType(),
        MilvusIndexParams.buildParams(spec),
        MilvusIndexParams.searchParams(spec, 1),
        config);
  }

  @Override
  public void upsert(List<VectorRecord> records) {
    items.check(records);
    writes.upsert(records);
    items.replace(records);
  }

  @Override
  public void delete(Collection<String> ids) {
    writes.delete(ids);
    items.delete(ids);
  }

  @Override
  public void flush() {
    writes.flush();
    items.flush();
  }

  /**
   * Nothing to do: {@link #upsert} and {@link #delete} return once Milvus acknowledged the request,
   * and an acknowledged write is in the server's write-ahead log (RocksMQ in standalone,
   * Pulsar/Kafka in a cluster), which a restarted server replays (tested: {@code
   * MilvusVectorStoreIT.acknowledgedWritesSurviveAServerRestartWithoutFlush}). Strong searches see
   * such writes at once; Bounded and Eventually searches may not until {@link #flush()} or the
   * server's own sealing — see the indexer README for the trade-off.
   */
  @Override
  public void persist() {}

  /**
   * Top-{@code k} by cosine: the server's ANN search, or for a filter matching at most {@value
   * MilvusExactFilter#MAX_ROWS} rows that the ANN search did not all return, the exact answer
   * ranked here; see {@link MilvusVectorSearch} for why.
   */
  @Override
  public List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    return vectorSearch.search(query, k, filter);
  }

  @Override
  public List<SearchHit> nearDuplicates(long phash, int maxHamming, int k, SearchFilter filter) {
    return nearDuplicates.search(phash, maxHamming, k, filter);
  }

  @Override
  public Optional<VectorRecord> get(String id) {
    return reads.get(id);
  }

  @Override
  public long count() {
    return reads.count();
  }

  @Override
  public DetectedItemStore items() {
    return items;
  }

  @Override
  public CollectionSpec spec() {
    return spec;
  }

  /**
   * Drops the collection, its perceptual-hash companion and its objects and faces collections with
   * all their rows; missing collections are fine.
   */
  public void dropCollection() {
    collections.drop();
    items.drop();
  }

  /** Closes the connection; the collection and its rows stay. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      vectorSearch.close();
      client.close();
    }
  }
}
