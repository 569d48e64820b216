package dev.imgsearch.indexer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.lucene.LuceneVectorStore;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import dev.imgsearch.local.servers.MilvusServer;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vector store benchmark: upsert rows/s, checkpoint cost (persist vs flush), search p50/p99 and
 * recall@10 against exact search, for the embedded Lucene store and Milvus, on {@code
 * imgsearch.benchmark.rows} (default 100 000) clustered unit vectors of dimension 576. Off by
 * default; prints a Markdown table and writes it to {@code
 * indexer/store/target/vector-store-benchmark.md}. Command:
 *
 * <pre>
 * ./mvnw -B -o -pl indexer/store verify -Dimgsearch.benchmark=true -Dit.test=VectorStoreBenchmarkIT -Dtest=NoSuch \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dimgsearch.benchmark.rows=100000] [-Dimgsearch.benchmark.stores=lucene,milvus]
 * </pre>
 */
@EnabledIfSystemProperty(named = "imgsearch.benchmark", matches = "true")
class VectorStoreBenchmarkIT {
  static final int DIM = 576;
  static final int ROWS = Integer.getInteger("imgsearch.benchmark.rows", 100_000);
  static final int QUERIES = Integer.getInteger("imgsearch.benchmark.queries", 300);
  static final int WARMUP = 50;
  static final int K = 10;
  static final int BATCH = 1000;
  static final int CENTERS = 500;
  static final String STORES = System.getProperty("imgsearch.benchmark.stores", "lucene,milvus");

  @TempDir Path tmp;

  @Test
  void benchmark() throws Exception {
    float[][] data = vectors(ROWS, 1);
    float[][] queries = queries(data, QUERIES + WARMUP, 2);
    long t0 = System.nanoTime();
    List<Set<String>> exact = exactTopK(data, queries);
    double exactMs = (System.nanoTime() - t0) / 1e6 / queries.length;

    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "%d rows × %d-d (%d clusters), %d queries after %d warm-up, k = %d; exact"
                + " brute-force search %.1f ms/query (Java, all cores)%n%n",
            ROWS,
            DIM,
            CENTERS,
            QUERIES,
            WARMUP,
            K,
            exactMs));
    table.append(
        "| store | index | upsert rows/s | persist (checkpoint) | flush | ready to search | search p50 | p99 | recall@10 |\n");
    table.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");

    Path report = Path.of("target", "vector-store-benchmark.md");
    Files.writeString(report, table.toString());
    CollectionSpec spec = CollectionSpec.of("bench_" + Long.toString(System.nanoTime(), 36), DIM);
    if (STORES.contains("lucene")) {
      try (VectorStore lucene = new LuceneVectorStore(tmp.resolve("lucene"), spec)) {
        append(report, table, run("embedded Lucene", lucene, spec, data, queries, exact, () -> {}));
      }
    }
    if (STORES.contains("milvus")) {
      benchMilvus(report, table, spec, data, queries, exact);
    }
    System.out.println(table);
  }

  private static void append(Path report, StringBuilder table, String row)
      throws java.io.IOException {
    table.append(row);
    Files.writeString(report, row, java.nio.file.StandardOpenOption.APPEND);
    System.out.print(row);
  }

  private void benchMilvus(
      Path report,
      StringBuilder table,
      CollectionSpec spec,
      float[][] data,
      float[][] queries,
      List<Set<String>> exact)
      throws Exception {
    try (MilvusServer server = MilvusServer.startOrConnect(Path.of("target", "milvus-bench"));
        MilvusVectorStore milvus =
            new MilvusVectorStore(
                MilvusConfig.of(server.uri())
                    .withSearchConsistency(MilvusConfig.Consistency.BOUNDED),
                spec)) {
      try {
        append(
            report,
            table,
            run(
                "Milvus 2.3.5 (Bounded)",
                milvus,
                spec,
                data,
                queries,
                exact,
                () -> awaitIndexed(server, spec)));
        append(report, table, "\n" + boundedVisibility(milvus, data[0]));
      } finally {
        milvus.dropCollection();
      }
    }
  }

  private String run(
      String name,
      VectorStore store,
      CollectionSpec spec,
      float[][] data,
      float[][] queries,
      List<Set<String>> exact,
      Runnable awaitReady) {
    store.ensureCollection();
    long start = System.nanoTime();
    for (int from = 0; from < data.length; from += BATCH) {
      List<VectorRecord> batch = new ArrayList<>(BATCH);
      for (int i = from; i < Math.min(data.length, from + BATCH); i++) {
        batch.add(
            new VectorRecord(
                "img-" + i, data[i], "images", "k/" + i, "cam-" + (i % 8), i, List.of(), "bench"));
      }
      store.upsert(batch);
    }
    double upsertSeconds = (System.nanoTime() - start) / 1e9;
    long p0 = System.nanoTime();
    store.persist();
    double persistMs = (System.nanoTime() - p0) / 1e6;
    long f0 = System.nanoTime();
    store.flush();
    double flushMs = (System.nanoTime() - f0) / 1e6;
    long r0 = System.nanoTime();
    awaitReady.run();
    double readySeconds = (System.nanoTime() - r0) / 1e9 + flushMs / 1e3;
    assertThat(store.count()).isEqualTo(data.length);

    long[] nanos = new long[QUERIES];
    double recall = 0;
    for (int q = 0; q < queries.length; q++) {
      long s = System.nanoTime();
      List<SearchHit> hits = store.search(queries[q], K, SearchFilter.NONE);
      long took = System.nanoTime() - s;
      if (q >= WARMUP) {
        nanos[q - WARMUP] = took;
        Set<String> found = new HashSet<>();
        hits.forEach(h -> found.add(h.id()));
        found.retainAll(exact.get(q));
        recall += found.size() / (double) K;
      }
    }
    Arrays.sort(nanos);
    String index =
        spec.indexType()
            + " M="
            + spec.hnswM()
            + " efC="
            + spec.hnswEfConstruction()
            + " ef="
            + spec.searchEf();
    return String.format(
        Locale.ROOT,
        "| %s | %s | %,.0f | %.1f ms | %,.0f ms | %.1f s | %.2f ms | %.2f ms | %.3f |%n",
        name,
        index,
        data.length / upsertSeconds,
        persistMs,
        flushMs,
        readySeconds,
        nanos[QUERIES / 2] / 1e6,
        nanos[(int) Math.ceil(QUERIES * 0.99) - 1] / 1e6,
        recall / QUERIES);
  }

  /**
   * How long after an acknowledged upsert a Bounded search finds it, without a flush (polled every
   * 50 ms, ≤ 20 s).
   */
  private static String boundedVisibility(MilvusVectorStore milvus, float[] vector)
      throws InterruptedException {
    StringBuilder out = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      String id = "fresh-" + round;
      milvus.upsert(
          List.of(new VectorRecord(id, vector, "images", id, "cam", 0, List.of(), "bench")));
      milvus.persist();
      long start = System.nanoTime();
      boolean seen = false;
      while (!seen && System.nanoTime() - start < 20_000_000_000L) {
        seen =
            milvus.search(vector, 5, SearchFilter.NONE).stream().anyMatch(h -> h.id().equals(id));
        if (!seen) {
          Thread.sleep(50);
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      out.append(
          String.format(
              Locale.ROOT,
              "Bounded search for a fresh upsert without flush, round %d: %s%n",
              round + 1,
              seen ? "visible after " + ms + " ms" : "not visible after " + ms + " ms"));
    }
    return out.toString();
  }

  /**
   * Waits until Milvus has indexed every row (the index is built on sealed segments after the
   * flush).
   */
  private static void awaitIndexed(MilvusServer server, CollectionSpec spec) {
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(server.uri()).build());
    try {
      long deadline = System.nanoTime() + 15L * 60 * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        var index =
            client
                .describeIndex(
                    DescribeIndexReq.builder()
                        .collectionName(spec.name())
                        .fieldName(CollectionSpec.FIELD_VECTOR)
                        .build())
                .getIndexDescByFieldName(CollectionSpec.FIELD_VECTOR);
        if (index.getIndexedRows() >= ROWS && index.getPendingIndexRows() == 0) {
          return;
        }
        Thread.sleep(1000);
      }
      throw new IllegalStateException("Milvus did not finish indexing within 15 min");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }

  /**
   * Unit vectors around {@value #CENTERS} random centres (image embeddings cluster; uniform noise
   * would not).
   */
  static float[][] vectors(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] centers = new float[CENTERS][];
    for (int c = 0; c < CENTERS; c++) {
      centers[c] = gaussian(random, 1.0);
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] v = gaussian(random, 0.6);
      float[] c = centers[random.nextInt(CENTERS)];
      for (int j = 0; j < DIM; j++) {
        v[j] += c[j];
      }
      out[i] = normalise(v);
    }
    return out;
  }

  /**
   * Perturbed dataset points: near-duplicate queries, as a re-encoded or cropped photo would be.
   */
  static float[][] queries(float[][] data, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[n][];
    for (int q = 0; q < n; q++) {
      float[] v = gaussian(random, 0.3);
      float[] base = data[random.nextInt(data.length)];
      for (int j = 0; j < DIM; j++) {
        v[j] = v[j] / (float) Math.sqrt(DIM) + base[j];
      }
      out[q] = normalise(v);
    }
    return out;
  }

  static List<Set<String>> exactTopK(float[][] data, float[][] queries) {
    return IntStream.range(0, queries.length)
        .parallel()
        .mapToObj(
            q -> {
              float[] query = queries[q];
              int[] best = new int[K];
              float[] score = new float[K];
              Arrays.fill(score, Float.NEGATIVE_INFINITY);
              for (int i = 0; i < data.length; i++) {
                float s = 0;
                float[] v = data[i];
                for (int j = 0; j < DIM; j++) {
                  s += v[j] * query[j];
                }
                if (s > score[K - 1]) {
                  int p = K - 1;
                  while (p > 0 && score[p - 1] < s) {
                    score[p] = score[p - 1];
                    best[p] = best[p - 1];
                    p--;
                  }
                  score[p] = s;
                  best[p] = i;
                }
              }
              Set<String> ids = new HashSet<>();
              for (int b : best) {
                ids.add("img-" + b);
              }
              return ids;
            })
        .toList();
  }

  private static float[] gaussian(SplittableRandom random, double sigma) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      double u1 = random.nextDouble(), u2 = random.nextDouble();
      v[j] = (float) (sigma * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
    }
    return v;
  }

  private static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int j = 0; j < v.length; j++) {
      v[j] *= inv;
    }
    return v;
  }
}
