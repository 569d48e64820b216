package dev.imgsearch.indexer.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.ExactTopK;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStoreContract;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.schemas.testing.UnitVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store passes the same contract as Milvus (it runs in-process, so it is a plain unit
 * test).
 */
class LuceneVectorStoreTest extends VectorStoreContract {
  @TempDir Path dir;

  @Override
  protected VectorStore open(CollectionSpec spec) {
    return new LuceneVectorStore(dir.resolve(spec.name()), spec);
  }

  /**
   * A reader (what the query API opens when a Flink TaskManager writes the directory): no write
   * lock, so it opens beside the writer; it sees each commit within the refresh interval and
   * refuses writes. Before the writer's first commit there is nothing to read, said in one line.
   */
  @Test
  void aReaderBesideTheWriterSeesItsCommitsAndRefusesWrites() throws Exception {
    StoreSettings settings = StoreSettings.embedded(dir.toString(), spec.name(), DIM);
    assertThatThrownBy(() -> VectorStores.openReader(settings))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("no index there yet");
    VectorStore writer = store(spec);
    writer.flush(); // the first commit creates the index
    try (VectorStore reader = VectorStores.openReader(settings)) {
      reader.ensureCollection();
      assertThat(reader.count()).isZero();
      writer.upsert(List.of(row("a", unit(1, 0), "cam-1", 1_000)));
      writer.flush();
      awaitCount(reader, 1);
      assertThat(reader.get("a")).isPresent();
      assertThat(reader.search(unit(1, 0), 1, SearchFilter.NONE))
          .extracting(SearchHit::id)
          .containsExactly("a");
      writer.delete(List.of("a"));
      writer.flush();
      awaitCount(reader, 0);
      assertThatThrownBy(() -> reader.upsert(List.of(row("b", unit(0, 1), "cam-1", 2_000))))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("read-only");
      assertThatThrownBy(reader::flush).isInstanceOf(UnsupportedOperationException.class);
    }
    writer.upsert(List.of(row("c", unit(1, 1), "cam-1", 3_000)));
    writer.flush(); // the writer goes on after the reader closed
    assertThat(writer.count()).isEqualTo(1);
  }

  private static void awaitCount(VectorStore reader, long count) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (reader.count() != count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(reader.count()).isEqualTo(count);
  }

  /**
   * The scenario of {@code MilvusFilteredSearchIT} in process: selective filters over 3 000 random
   * 576-d rows (7 of 10 in one camera, the rest with unique sources) give exactly the top-k of the
   * matching rows. Lucene's filtered kNN search falls back to an exact scan of the matching
   * documents when the filter is selective.
   */
  @Test
  void selectiveFiltersReturnTheExactTopK() {
    int dim = 576;
    VectorStore store = store(CollectionSpec.of(spec.name() + "_576", dim));
    Random random = new Random(7);
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      List<String> tags =
          i % 200 == 7 ? List.of("t" + (i % 100), "rare") : List.of("t" + (i % 100));
      rows.add(
          new VectorRecord(
              "img-" + i,
              UnitVectors.random(random, dim),
              "b",
              "k/" + i,
              i < 2_100 ? "cam-a" : "cam-" + i,
              1_000L * i,
              tags,
              "m"));
    }
    for (int from = 0; from < rows.size(); from += 256) {
      store.upsert(rows.subList(from, Math.min(rows.size(), from + 256)));
    }
    store.flush();
    Set<String> twenty = new TreeSet<>();
    for (int i = 2_100; twenty.size() < 20; i += 37) {
      twenty.add("cam-" + i);
    }
    Map<SearchFilter, Integer> filters = new LinkedHashMap<>();
    filters.put(new SearchFilter(twenty, null, null, Set.of()), 20);
    filters.put(new SearchFilter(Set.of("cam-2500"), null, null, Set.of()), 10);
    filters.put(new SearchFilter(Set.of(), null, null, Set.of("rare")), 20);
    filters.put(new SearchFilter(Set.of(), 1_500_000L, 1_520_000L, Set.of()), 20);
    filters.put(new SearchFilter(Set.of("cam-a"), 100_000L, 150_000L, Set.of()), 10);
    filters.put(new SearchFilter(Set.of(), null, null, Set.of("t5")), 10);
    for (var entry : filters.entrySet()) {
      SearchFilter filter = entry.getKey();
      int k = entry.getValue();
      float[] query = UnitVectors.random(random, dim);
      List<String> exact = ExactTopK.ids(rows, query, k, filter);
      assertThat(store.search(query, k, filter))
          .as("%s, k %d", filter, k)
          .extracting(SearchHit::id)
          .containsExactlyElementsOf(exact);
    }
  }

  @Test
  void ivfIndexesAreMilvusOnly() {
    var ivf = spec.withIvf(CollectionSpec.IndexType.IVF_FLAT, 16, 4);
    assertThatThrownBy(() -> open(ivf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HNSW only");
  }
}
