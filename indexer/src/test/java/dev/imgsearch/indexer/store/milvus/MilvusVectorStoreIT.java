package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imgsearch.indexer.store.CollectionSpec;
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
 * The store contract against a real Milvus standalone server: one server for the class (data under {@code
 * target/milvus-it}, or the server at {@code IMGSEARCH_MILVUS_URI}), a fresh collection per test, dropped after it.
 * Contract reads use Strong consistency; {@link #flushMakesWritesVisibleToBoundedSearches()} covers the default.
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
      assertThat(store.search(basis(0), 5, SearchFilter.NONE)).extracting(SearchHit::id).containsExactly("a", "b");
      assertThat(store.get("b")).isPresent();

      store.delete(List.of("a"));
      store.flush();
      assertThat(store.search(basis(0), 5, SearchFilter.NONE)).extracting(SearchHit::id).containsExactly("b");
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
  void flushedRowsSurviveAServerRestart() {
    assumeTrue(server.launched(), "the server at IMGSEARCH_MILVUS_URI is not restarted by tests");
    VectorStore before = store();
    before.upsert(List.of(row("a", basis(0), "cam-1", 1, "x"), row("b", basis(1), "cam-2", 2)));
    before.flush();
    close(before);

    server.close();
    server = MilvusServer.start(DATA_DIR);
    LOG.info("{} restarted in {} ms", server, server.startupTime().toMillis());

    VectorStore after = store();
    assertThat(after.count()).isEqualTo(2);
    assertThat(after.get("a").orElseThrow().tags()).containsExactly("x");
    assertThat(after.search(basis(1), 1, SearchFilter.NONE)).extracting(SearchHit::id).containsExactly("b");
  }
}
