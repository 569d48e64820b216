package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStoreContract;
import dev.imgsearch.indexer.store.milvus.MilvusConfig.Consistency;
import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store contract against a real Milvus standalone server: one server for the class (data under
 * {@code target/milvus-it}, or the server at {@code IMGSEARCH_MILVUS_URI}), a fresh collection per
 * test, dropped after it. Contract reads use Strong consistency; {@link
 * #flushMakesWritesVisibleToBoundedSearches()} covers the default.
 */
class MilvusVectorStoreIT extends VectorStoreContract {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusVectorStoreIT.class);
  private static final Path DATA_DIR = Path.of("target", "milvus-it");

  private static MilvusServer server;

  @BeforeAll
  static void startServer() {
    server = MilvusServer.startOrConnect(DATA_DIR);
    LOG.info("{} ready; startup took {} ms", server, server.startupTime().toMillis());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected VectorStore open(CollectionSpec spec) {
    return new MilvusVectorStore(config(Consistency.STRONG), spec);
  }

  @Override
  protected void cleanUp(CollectionSpec spec) {
    try (var store = new MilvusVectorStore(config(Consistency.STRONG), spec)) {
      store.dropCollection();
    }
  }

  private static MilvusConfig config(Consistency consistency) {
    return MilvusConfig.of(server.uri()).withSearchConsistency(consistency);
  }

  @Test
  void flushMakesWritesVisibleToBoundedSearches() {
    try (var store = new MilvusVectorStore(config(Consistency.BOUNDED), spec)) {
      store.ensureCollection();
      store.upsert(List.of(row("a", basis(0), "s", 1), row("b", basis(1), "s", 2)));
      store.flush();
      assertThat(store.search(basis(0), 5, SearchFilter.NONE))
          .extracting(SearchHit::id)
          .containsExactly("a", "b");
      assertThat(store.get("b")).isPresent();

      store.delete(List.of("a"));
      store.flush();
      assertThat(store.search(basis(0), 5, SearchFilter.NONE))
          .extracting(SearchHit::id)
          .containsExactly("b");
      assertThat(store.get("a")).isEmpty();
    }
  }

  @Test
  void failedCallsNameTheOperationAndCollection() {
    VectorStore store = store();
    try (var other = new MilvusVectorStore(config(Consistency.STRONG), spec)) {
      other.dropCollection();
    }
    assertThatThrownBy(store::count)
        .isInstanceOf(MilvusStoreException.class)
        .hasMessageContaining("count")
        .hasMessageContaining(spec.name())
        .satisfies(e -> assertThat(((MilvusStoreException) e).operation()).isEqualTo("count"));
  }

  @Test
  void acknowledgedWritesSurviveAServerRestartWithoutFlush() {
    assumeTrue(server.launched(), "the server at IMGSEARCH_MILVUS_URI is not restarted by tests");
    VectorStore before = store();
    before.upsert(List.of(row("a", basis(0), "cam-1", 1, "x"), row("b", basis(1), "cam-2", 2)));
    before.flush();
    // Acknowledged but never flushed: only in the server's write-ahead log when it is killed.
    before.upsert(List.of(row("c", basis(2), "cam-3", 3), row("a", basis(3), "cam-1", 4, "y")));
    before.delete(List.of("b"));
    long start = System.nanoTime();
    before.persist();
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("persist is not a Milvus flush")
        .isLessThan(100);
    close(before);

    server.close();
    server = MilvusServer.start(DATA_DIR);
    LOG.info("{} restarted in {} ms", server, server.startupTime().toMillis());

    VectorStore after = store();
    assertThat(after.count()).isEqualTo(2);
    assertThat(after.get("a").orElseThrow().tags()).containsExactly("y");
    assertThat(after.get("b")).isEmpty();
    assertThat(after.search(basis(2), 1, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("c");
  }

  @Test
  void strongReadsSeeAcknowledgedWritesWithoutFlush() {
    VectorStore store = store(); // Strong reads (see open)
    store.upsert(List.of(row("a", basis(0), "s", 1)));
    store.persist();
    assertThat(store.search(basis(0), 5, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("a");
    store.delete(List.of("a"));
    assertThat(store.get("a")).isEmpty();
    assertThat(store.count()).isZero();
  }

  @Test
  void ivfIndexesAreSelectable() {
    for (var type : List.of(CollectionSpec.IndexType.IVF_FLAT, CollectionSpec.IndexType.IVF_SQ8)) {
      CollectionSpec ivf =
          spec.withName(spec.name() + "_" + type.name().toLowerCase()).withIvf(type, 16, 16);
      try (var store = new MilvusVectorStore(config(Consistency.STRONG), ivf)) {
        store.ensureCollection();
        List<dev.imgsearch.indexer.store.VectorRecord> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
          rows.add(row("r" + i, angled(i * 0.05), "s", i));
        }
        store.upsert(rows);
        store.flush(); // seals the segment, so the IVF index is built and used
        List<String> top3 =
            store.search(angled(0.5), 3, SearchFilter.NONE).stream().map(SearchHit::id).toList();
        // nprobe = nlist: every cluster is searched; SQ8's 8-bit components may swap neighbours
        // 0.05 rad apart.
        assertThat(top3).as("%s", type).containsExactlyInAnyOrder("r9", "r10", "r11");
        if (type == CollectionSpec.IndexType.IVF_FLAT) {
          assertThat(top3.get(0)).isEqualTo("r10");
        }
        try (var hnsw =
            new MilvusVectorStore(config(Consistency.STRONG), ivf.withHnsw(16, 200, 128))) {
          assertThatThrownBy(hnsw::ensureCollection)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining(type.name());
        }
        store.dropCollection();
      }
    }
  }

  @Test
  void anExistingCollectionWithTheOldLayoutIsReportedNotUsed() {
    // the layout before perceptual hashes and the partition key: source a plain VARCHAR, no phash
    // fields
    var client = client();
    try {
      var schema = io.milvus.v2.client.MilvusClientV2.CreateSchema();
      schema.addField(
          io.milvus.v2.service.collection.request.AddFieldReq.builder()
              .fieldName("id")
              .dataType(io.milvus.v2.common.DataType.VarChar)
              .maxLength(64)
              .isPrimaryKey(true)
              .autoID(false)
              .build());
      schema.addField(
          io.milvus.v2.service.collection.request.AddFieldReq.builder()
              .fieldName("vector")
              .dataType(io.milvus.v2.common.DataType.FloatVector)
              .dimension(DIM)
              .build());
      for (String field : List.of("bucket", "key", "source", "model")) {
        schema.addField(
            io.milvus.v2.service.collection.request.AddFieldReq.builder()
                .fieldName(field)
                .dataType(io.milvus.v2.common.DataType.VarChar)
                .maxLength(1024)
                .build());
      }
      schema.addField(
          io.milvus.v2.service.collection.request.AddFieldReq.builder()
              .fieldName("captured_at")
              .dataType(io.milvus.v2.common.DataType.Int64)
              .build());
      schema.addField(
          io.milvus.v2.service.collection.request.AddFieldReq.builder()
              .fieldName("tags")
              .dataType(io.milvus.v2.common.DataType.Array)
              .elementType(io.milvus.v2.common.DataType.VarChar)
              .maxLength(1024)
              .maxCapacity(32)
              .build());
      client.createCollection(
          io.milvus.v2.service.collection.request.CreateCollectionReq.builder()
              .collectionName(spec.name())
              .collectionSchema(schema)
              .build());
    } finally {
      client.close();
    }
    assertThatThrownBy(this::store)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(spec.name())
        .hasMessageContaining("source is not the partition key")
        .hasMessageContaining("phash missing")
        .hasMessageContaining("re-index");
  }

  /**
   * A collection and companion created before the scene fields (this store's layouts without them,
   * made through the SDK) open, take upserts of gated frames and answer get, searches and
   * near-duplicates, all without a scene; the store leaves their layout alone.
   */
  @Test
  void aCollectionCreatedBeforeTheSceneFieldsWorksWithoutScenes() {
    var client = client();
    try {
      createCollection(
          client, spec.name(), MilvusSchemasTest.withoutScenes(MilvusSchemas.main(spec)));
      createCollection(
          client,
          spec.phashCollectionName(),
          MilvusSchemasTest.withoutScenes(MilvusSchemas.phash()));
    } finally {
      client.close();
    }
    float[] v = unit(0.6, 0.8);
    long gatedHash = flipped(HASH, 2);
    VectorStore store =
        storeWith(
            row("rep", v, "cam-1", 1_000).withPhash(HASH),
            row("later", v, "cam-1", 3_000)
                .withPhash(gatedHash)
                .withScene(new SceneRef("rep", 1_000)));

    assertThat(store.count()).isEqualTo(2);
    var later = store.get("later").orElseThrow();
    assertThat(later.phash()).isEqualTo(gatedHash);
    assertThat(later.scene()).isNull();
    assertThat(store.search(v, 2, SearchFilter.NONE))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("rep", null),
            org.assertj.core.groups.Tuple.tuple("later", null));
    assertThat(store.search(v, 2, captured(2_000L, null)))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("later", null));
    assertThat(store.nearDuplicates(HASH, 4, 10, SearchFilter.NONE))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("rep", null),
            org.assertj.core.groups.Tuple.tuple("later", null));
    var check = client();
    try {
      for (String name : List.of(spec.name(), spec.phashCollectionName())) {
        var schema =
            check
                .describeCollection(
                    io.milvus.v2.service.collection.request.DescribeCollectionReq.builder()
                        .collectionName(name)
                        .build())
                .getCollectionSchema();
        assertThat(schema.getField(CollectionSpec.FIELD_SCENE_OF)).as(name).isNull();
      }
    } finally {
      check.close();
    }
  }

  private static void createCollection(
      io.milvus.v2.client.MilvusClientV2 client,
      String name,
      io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema schema) {
    client.createCollection(
        io.milvus.v2.service.collection.request.CreateCollectionReq.builder()
            .collectionName(name)
            .collectionSchema(schema)
            .build());
  }

  @Test
  void perceptualHashesLiveInACompanionCollectionDroppedWithTheMainOne() {
    VectorStore store = store();
    store.upsert(List.of(hashed("a", HASH, "cam-1", 1)));
    store.flush();
    var client = client();
    try {
      var has = io.milvus.v2.service.collection.request.HasCollectionReq.builder();
      assertThat(client.hasCollection(has.collectionName(spec.phashCollectionName()).build()))
          .isTrue();
      var description =
          client.describeCollection(
              io.milvus.v2.service.collection.request.DescribeCollectionReq.builder()
                  .collectionName(spec.phashCollectionName())
                  .build());
      var phash = description.getCollectionSchema().getField(CollectionSpec.FIELD_PHASH);
      assertThat(phash.getDataType()).isEqualTo(io.milvus.v2.common.DataType.BinaryVector);
      assertThat(phash.getDimension()).isEqualTo(64);
      assertThat(
              description
                  .getCollectionSchema()
                  .getField(CollectionSpec.FIELD_SOURCE)
                  .getIsPartitionKey())
          .isTrue();
      try (var milvus = new MilvusVectorStore(config(Consistency.STRONG), spec)) {
        milvus.dropCollection();
      }
      assertThat(client.hasCollection(has.collectionName(spec.name()).build())).isFalse();
      assertThat(client.hasCollection(has.collectionName(spec.phashCollectionName()).build()))
          .isFalse();
    } finally {
      client.close();
    }
  }

  private static io.milvus.v2.client.MilvusClientV2 client() {
    return new io.milvus.v2.client.MilvusClientV2(
        io.milvus.v2.client.ConnectConfig.builder().uri(server.uri()).build());
  }
}
