package dev.imgsearch.cli;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreOptions;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.local.servers.MilvusServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * The vector store {@link FlinkClusterFaultIT} runs its job on, as the test sees it: the job's
 * store options, and what the index holds, read outside the job — its rows (a duplicate counts
 * twice) and which expected ids it lacks. Rows = the expected ids' number and none missing: the
 * index holds exactly the expected ids, each once.
 */
interface ClusterIndex extends AutoCloseable {
  /**
   * What the index holds.
   *
   * @param rows every row, a duplicate counted twice
   * @param missing the expected ids it does not hold
   */
  record Contents(long rows, Set<String> missing) {}

  /** {@code embedded} or {@code milvus}. */
  String kind();

  /** The job's {@code store.*} / {@code milvus.*} options. */
  Map<String, String> jobOptions();

  /** Whether the job writes with one sink subtask (the embedded store's single writer). */
  boolean singleWriter();

  /**
   * The number of rows, a duplicate counted twice; 0, or an exception, while the store has no
   * collection yet.
   */
  long count() throws Exception;

  /** The rows and which of {@code expected} are missing. */
  Contents contents(Set<String> expected) throws Exception;

  /** How often a wait reads {@link #count()}. */
  Duration pollEvery();

  @Override
  void close();

  /** The embedded (Lucene) store under {@code store}. */
  static ClusterIndex embedded(Path store) {
    return new Embedded(store);
  }

  /**
   * The real Milvus standalone server (the machine's one: {@link MilvusServer#startOrConnect}, on
   * the data directory of {@code PipelineFaultIT}'s Milvus test) and a collection new to it.
   */
  static ClusterIndex milvus() {
    MilvusServer server = MilvusServer.startOrConnect(Path.of("target", "milvus-faults"));
    try {
      return new Milvus(server, "cluster_faults_" + System.currentTimeMillis());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * The live documents of the last commit of the Lucene index, read without its write lock (the
   * writer is a TaskManager).
   */
  final class Embedded implements ClusterIndex {
    private final Path store;
    private final Path index;

    Embedded(Path store) {
      this.store = store;
      this.index = store.resolve(LocalStack.COLLECTION);
    }

    @Override
    public String kind() {
      return "embedded";
    }

    @Override
    public Map<String, String> jobOptions() {
      return Map.of(
          "store.kind",
          "embedded",
          "store.path",
          store.toString(),
          "store.collection",
          LocalStack.COLLECTION);
    }

    @Override
    public boolean singleWriter() {
      return true;
    }

    @Override
    public Duration pollEvery() {
      return Duration.ofMillis(100);
    }

    @Override
    public long count() throws InterruptedException {
      return ids().size();
    }

    @Override
    public Contents contents(Set<String> expected) throws InterruptedException {
      List<String> ids = ids();
      Set<String> missing = new LinkedHashSet<>(expected);
      ids.forEach(missing::remove);
      return new Contents(ids.size(), missing);
    }

    /** Every live document's id, one entry per document. */
    private List<String> ids() throws InterruptedException {
      for (int attempt = 0; ; attempt++) {
        if (!Files.exists(index)) {
          return List.of();
        }
        try (FSDirectory directory = FSDirectory.open(index)) {
          if (!DirectoryReader.indexExists(directory)) {
            return List.of();
          }
          try (DirectoryReader reader = DirectoryReader.open(directory)) {
            List<String> ids = new ArrayList<>();
            for (LeafReaderContext leaf : reader.leaves()) {
              LeafReader r = leaf.reader();
              Bits live = r.getLiveDocs();
              for (int doc = 0; doc < r.maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                  ids.add(r.storedFields().document(doc).get(CollectionSpec.FIELD_ID));
                }
              }
            }
            return ids;
          }
        } catch (IOException commitReplacedWhileOpening) {
          if (attempt >= 20) {
            throw new IllegalStateException("cannot read " + index, commitReplacedWhileOpening);
          }
          Thread.sleep(50);
        }
      }
    }

    @Override
    public void close() {}
  }

  /**
   * A Milvus collection, read through the project's store: {@link VectorStore#count()}, an exact
   * {@code count(*)} at STRONG consistency (every write Milvus acknowledged before it), after which
   * the query node has consumed every earlier write, so the id lookups that follow (at BOUNDED
   * consistency, no time-tick wait each) see them all.
   */
  final class Milvus implements ClusterIndex {
    private final MilvusServer server;
    private final String collection;
    private final VectorStore store;

    Milvus(MilvusServer server, String collection) {
      this.server = server;
      this.collection = collection;
      this.store =
          VectorStores.open(
              StoreSettings.milvus(
                  server.uri(), null, collection, StoreOptions.DEFAULT_DIMENSION, "BOUNDED"));
    }

    @Override
    public String kind() {
      return "milvus";
    }

    @Override
    public Map<String, String> jobOptions() {
      return Map.of(
          "store.kind", "milvus", "milvus.uri", server.uri(), "store.collection", collection);
    }

    @Override
    public boolean singleWriter() {
      return false;
    }

    @Override
    public Duration pollEvery() {
      return Duration.ofMillis(500);
    }

    /** Throws while the job's sink has not created the collection yet. */
    @Override
    public long count() {
      return store.count();
    }

    @Override
    public Contents contents(Set<String> expected) {
      long rows = store.count();
      Set<String> missing = new LinkedHashSet<>();
      for (String id : expected) {
        if (store.get(id).isEmpty()) {
          missing.add(id);
        }
      }
      return new Contents(rows, missing);
    }

    @Override
    public void close() {
      try {
        store.close();
      } finally {
        server.close();
      }
    }
  }
}
