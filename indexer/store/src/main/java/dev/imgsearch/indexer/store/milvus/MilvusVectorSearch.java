package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_VECTOR;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.schemas.DaemonThreads;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Top-{@code k} by cosine on the main collection. Unfiltered: the server's ANN search. Filtered:
 * the ANN search and, next to it, a probe for the ids matching the filter (at most {@value
 * MilvusExactFilter#MAX_ROWS} + 1); when the filter matches at most {@value
 * MilvusExactFilter#MAX_ROWS} rows and the ANN search did not return all of them, the answer is
 * exact instead: the matching rows (≤ 1 024 vectors, ≈ 2.4 MB at 576-d) are read and ranked by
 * cosine here ({@link MilvusExactFilter}). Broader filters keep the ANN answer, which on the
 * interim index below is approximate like an unfiltered search.
 *
 * <p>Why: Milvus 2.3 searches a growing segment above ~10 % of its maximum size, and a sealed
 * segment whose HNSW index is not built or loaded yet, through an interim IVF_FLAT_CC index ({@code
 * queryNode.segcore.interimIndex}: nlist 128, or rows / 39 when fewer, probing a fixed 16 lists;
 * the request's {@code ef}/{@code nprobe} are ignored) and applies the filter inside the probed
 * lists only, so a selective filter returned a fraction of its rows (measured by {@code
 * MilvusFilteredSearchIT}: 7 000 rows of one source, a 20-row time range at k 20 → 2–4 hits).
 * Sealed HNSW segments and small segments (searched by brute force) are not affected.
 */
final class MilvusVectorSearch implements AutoCloseable {
  /** The largest {@code k} Milvus accepts. */
  static final int MAX_TOP_K = 16384;

  private final MilvusReadContext read;

  /** Runs the match-count probe of a filtered search next to its ANN search. */
  private final ExecutorService probes =
      Executors.newCachedThreadPool(DaemonThreads.named("milvus-filter-probe"));

  MilvusVectorSearch(MilvusReadContext read) {
    this.read = read;
  }

  List<SearchHit> search(float[] query, int k, SearchFilter filter) {
    checkVector(query, "query");
    checkTopK(k);
    String expression = MilvusFilterExpressions.of(filter);
    if (expression.isEmpty()) {
      return annSearch(query, k, expression);
    }
    CompletableFuture<Integer> matching =
        CompletableFuture.supplyAsync(
            () -> matchingRows(expression, List.of(FIELD_ID)).size(), probes);
    List<SearchHit> hits = annSearch(query, k, expression);
    int matches;
    try {
      matches = matching.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    if (MilvusExactFilter.keepsAnnAnswer(matches, hits.size())) {
      return hits;
    }
    return exactSearch(query, k, expression).orElse(hits);
  }

  /**
   * Fails with {@link IllegalArgumentException} naming {@code k} unless it is in 1..{@value
   * #MAX_TOP_K}.
   */
  static void checkTopK(int k) {
    if (k < 1 || k > MAX_TOP_K) {
      throw new IllegalArgumentException("k must be in 1.." + MAX_TOP_K + ": " + k);
    }
  }

  private void checkVector(float[] vector, String what) {
    Objects.requireNonNull(vector, what);
    if (vector.length != read.spec().dimension()) {
      throw new IllegalArgumentException(
          what
              + " has dimension "
              + vector.length
              + ", collection '"
              + read.spec().name()
              + "' has "
              + read.spec().dimension());
    }
    for (float v : vector) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(what + " has a non-finite component");
      }
    }
  }

  private List<SearchHit> annSearch(float[] query, int k, String expression) {
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(read.spec().name())
            .annsField(FIELD_VECTOR)
            .metricType(IndexParam.MetricType.COSINE)
            .data(List.of(new FloatVec(query)))
            .limit(k)
            .searchParams(MilvusIndexParams.searchParams(read.spec(), k))
            .outputFields(MilvusRows.hitFields(read.scenes().getAsBoolean()))
            .consistencyLevel(read.consistency());
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    List<List<SearchResp.SearchResult>> results =
        call("search", read.spec().name(), () -> read.client().search(request.build()))
            .getSearchResults();
    List<SearchHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r :
        results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      hits.add(MilvusRows.hit(String.valueOf(r.getId()), r.getScore(), r.getEntity()));
    }
    return hits;
  }

  /**
   * The exact top-{@code k} of the rows matching {@code expression}, ranked by cosine here; empty
   * when more than {@value MilvusExactFilter#MAX_ROWS} rows match now (rows were written since the
   * probe).
   */
  private Optional<List<SearchHit>> exactSearch(float[] query, int k, String expression) {
    List<String> fields = new ArrayList<>(MilvusRows.hitFields(read.scenes().getAsBoolean()));
    fields.add(FIELD_ID);
    fields.add(FIELD_VECTOR);
    var rows = matchingRows(expression, fields);
    if (rows.size() > MilvusExactFilter.MAX_ROWS) {
      return Optional.empty();
    }
    List<Map<String, Object>> entities = new ArrayList<>(rows.size());
    rows.forEach(row -> entities.add(row.getEntity()));
    return Optional.of(MilvusExactFilter.rank(query, k, entities));
  }

  /**
   * Up to {@value MilvusExactFilter#MAX_ROWS} + 1 rows matching {@code expression}, at the search
   * consistency.
   */
  private List<QueryResp.QueryResult> matchingRows(String expression, List<String> fields) {
    return read.query("search", expression, fields, MilvusExactFilter.MAX_ROWS + 1L);
  }

  /** Stops the probe threads. */
  @Override
  public void close() {
    probes.shutdown();
  }
}
