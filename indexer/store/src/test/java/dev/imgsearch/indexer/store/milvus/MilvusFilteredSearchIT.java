package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.ExactTopK;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.milvus.MilvusConfig.Consistency;
import dev.imgsearch.local.servers.MilvusServer;
import dev.imgsearch.schemas.testing.UnitVectors;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Filtered searches on the real server return the exact top-k: random L2-normalised 576-d rows
 * written like the sink does (batches of 256), searched with selective filters (sources, tags,
 * capture-time ranges, combinations) while the segments are growing and right after a flush, each
 * compared with the exact answer computed here (every matching row ranked by cosine).
 *
 * <ul>
 *   <li>{@link #uniqueSourcesSpreadOverPartitions()}: the bench's layout, 3 000 rows, most with a
 *       unique {@code source} (the partition key, so the rows spread over 64 small segments that
 *       Milvus searches by brute force).
 *   <li>{@link #oneLargeSource()}: 7 000 rows of one camera in one partition. Milvus 2.3 searches
 *       such a growing segment (and a just-sealed one until its HNSW index is loaded) through its
 *       interim IVF_FLAT_CC index, which probes 16 lists whatever the request says and filters
 *       inside them: before the store's exact path for selective filters, a 20-row time range at k
 *       20 returned 2–4 rows, {@code tags any [rare]} (40 rows) 8–13 hits with 2–7 of the exact 20,
 *       a 50-row camera + time range at k 10 3–6 hits.
 * </ul>
 */
class MilvusFilteredSearchIT {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusFilteredSearchIT.class);
  private static final Path DATA_DIR = Path.of("target", "milvus-it");
  private static final int DIM = 576;
  private static final int ROWS = 3_000;
  private static final int SHARED_SOURCES = 10;
  private static final int SHARED_ROWS = 300; // the first 300 rows: 30 per shared source
  private static final long T0 = 1_700_000_000_000L;

  private static MilvusServer server;

  @BeforeAll
  static void startServer() {
    server = MilvusServer.startOrConnect(DATA_DIR);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void uniqueSourcesSpreadOverPartitions() {
    Random random = new Random(42);
    List<VectorRecord> rows =
        rows(random, ROWS, i -> i < SHARED_ROWS ? "shared-" + (i % SHARED_SOURCES) : "cam-" + i);
    run(rows, filters(random), random);
  }

  @Test
  void oneLargeSource() {
    Random random = new Random(43);
    List<VectorRecord> rows = rows(random, 7_500, i -> i < 7_000 ? "cam-a" : "cam-b");
    Map<String, SearchFilter> filters = new LinkedHashMap<>();
    filters.put(
        "captured_at 20 rows, k 20",
        new SearchFilter(Set.of(), T0 + 1_500_000L, T0 + 1_520_000L, Set.of()));
    filters.put("tags any [rare], k 20", new SearchFilter(Set.of(), null, null, Set.of("rare")));
    filters.put(
        "cam-a and captured_at 50 rows, k 10",
        new SearchFilter(Set.of("cam-a"), T0 + 100_000L, T0 + 150_000L, Set.of()));
    filters.put(
        "source == cam-b (500 rows), k 10",
        new SearchFilter(Set.of("cam-b"), null, null, Set.of()));
    filters.put("tags any [t5], k 10", new SearchFilter(Set.of(), null, null, Set.of("t5")));
    run(rows, filters, random);
  }

  private static List<VectorRecord> rows(
      Random random, int n, java.util.function.IntFunction<String> source) {
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> tags = new ArrayList<>(List.of("t" + (i % 100)));
      if (i % 200 == 7) {
        tags.add("rare");
      }
      rows.add(
          new VectorRecord(
              "img-" + i,
              UnitVectors.random(random, DIM),
              "b",
              "k/" + i,
              source.apply(i),
              T0 + i * 1000L,
              tags,
              "m"));
    }
    return rows;
  }

  private static void run(
      List<VectorRecord> rows, Map<String, SearchFilter> filters, Random random) {
    CollectionSpec spec =
        CollectionSpec.of("t_filtered_" + Long.toString(System.nanoTime(), 36), DIM);
    MilvusConfig config = MilvusConfig.of(server.uri()).withSearchConsistency(Consistency.STRONG);
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(server.uri()).build());
    try (var store = new MilvusVectorStore(config, spec)) {
      store.ensureCollection();
      try {
        for (int from = 0; from < rows.size(); from += 256) {
          store.upsert(rows.subList(from, Math.min(rows.size(), from + 256)));
        }
        List<String> failures = new ArrayList<>();
        check("growing", store, client, spec, rows, filters, random, failures);
        store.flush();
        check("after flush", store, client, spec, rows, filters, random, failures);
        assertThat(failures).as("filtered searches with recall < 1").isEmpty();
      } finally {
        store.dropCollection();
      }
    } finally {
      client.close();
    }
  }

  private static Map<String, SearchFilter> filters(Random random) {
    Map<String, SearchFilter> filters = new LinkedHashMap<>();
    Set<String> twenty = new TreeSet<>();
    while (twenty.size() < 20) {
      twenty.add("cam-" + (SHARED_ROWS + random.nextInt(ROWS - SHARED_ROWS)));
    }
    filters.put("source in [20 unique], k 20", new SearchFilter(twenty, null, null, Set.of()));
    filters.put(
        "source == one unique, k 20",
        new SearchFilter(Set.of(twenty.iterator().next()), null, null, Set.of()));
    filters.put(
        "source == shared-3, k 10", new SearchFilter(Set.of("shared-3"), null, null, Set.of()));
    filters.put("tags any [rare], k 20", new SearchFilter(Set.of(), null, null, Set.of("rare")));
    filters.put(
        "tags any [t5, t6], k 20", new SearchFilter(Set.of(), null, null, Set.of("t5", "t6")));
    filters.put(
        "captured_at 20 rows, k 20",
        new SearchFilter(Set.of(), T0 + 1_500_000L, T0 + 1_520_000L, Set.of()));
    filters.put(
        "captured_at 100 rows, k 10",
        new SearchFilter(Set.of(), T0 + 2_000_000L, T0 + 2_100_000L, Set.of()));
    return filters;
  }

  private static void check(
      String phase,
      MilvusVectorStore store,
      MilvusClientV2 client,
      CollectionSpec spec,
      List<VectorRecord> rows,
      Map<String, SearchFilter> filters,
      Random random,
      List<String> failures) {
    for (var entry : filters.entrySet()) {
      SearchFilter filter = entry.getValue();
      int k = entry.getKey().endsWith("k 10") ? 10 : 20;
      Predicate<VectorRecord> matches =
          r -> filter.matches(r.source(), r.capturedAtMillis(), r.tags());
      long matching = rows.stream().filter(matches).count();
      String expression = MilvusFilterExpressions.of(filter);
      long queried =
          client
              .query(
                  QueryReq.builder()
                      .collectionName(spec.name())
                      .filter(expression)
                      .outputFields(List.of("id"))
                      .limit(10_000L)
                      .consistencyLevel(ConsistencyLevel.STRONG)
                      .build())
              .getQueryResults()
              .size();
      for (int q = 0; q < 2; q++) {
        float[] query = UnitVectors.random(random, DIM);
        List<String> exact = ExactTopK.ids(rows, query, k, filter);
        List<String> got = store.search(query, k, filter).stream().map(SearchHit::id).toList();
        long found = got.stream().filter(exact::contains).count();
        String line =
            String.format(
                "%s | %s: matching %d, query finds %d, search %d hits, %d of exact %d",
                phase, entry.getKey(), matching, queried, got.size(), found, exact.size());
        LOG.info(line);
        if (found != exact.size()) {
          failures.add(line);
        }
      }
    }
  }
}
