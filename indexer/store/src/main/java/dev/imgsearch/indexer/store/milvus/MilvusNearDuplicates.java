package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_PHASH;
import static dev.imgsearch.indexer.store.milvus.MilvusCalls.call;

import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorStore;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BinaryVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Perceptual-hash near-duplicates: a top-{@code k} HAMMING search on the companion collection
 * (BIN_FLAT, exact) with the filter expression, cut at the radius, nearest first and equal
 * distances by id.
 */
final class MilvusNearDuplicates {
  private final MilvusReadContext read;

  MilvusNearDuplicates(MilvusReadContext read) {
    this.read = read;
  }

  List<SearchHit> search(long phash, int maxHamming, int k, SearchFilter filter) {
    VectorStore.checkNearDuplicateArguments(maxHamming, k);
    MilvusVectorSearch.checkTopK(k);
    String collection = read.spec().phashCollectionName();
    SearchReq.SearchReqBuilder request =
        SearchReq.builder()
            .collectionName(collection)
            .annsField(FIELD_PHASH)
            .metricType(IndexParam.MetricType.HAMMING)
            .data(List.of(new BinaryVec(MilvusRows.phashBytes(phash))))
            .limit(k)
            .outputFields(MilvusRows.hitFields(read.scenes().getAsBoolean()))
            .consistencyLevel(read.consistency());
    String expression = MilvusFilterExpressions.of(filter);
    if (!expression.isEmpty()) {
      request.filter(expression);
    }
    List<List<SearchResp.SearchResult>> results =
        call("nearDuplicates", collection, () -> read.client().search(request.build()))
            .getSearchResults();
    List<SearchHit> hits = new ArrayList<>();
    for (SearchResp.SearchResult r :
        results.isEmpty() ? List.<SearchResp.SearchResult>of() : results.get(0)) {
      int distance = Math.round(r.getScore());
      if (distance <= maxHamming) {
        hits.add(MilvusRows.duplicate(String.valueOf(r.getId()), distance, r.getEntity()));
      }
    }
    hits.sort(Comparator.comparing(SearchHit::distance).thenComparing(SearchHit::id));
    return hits;
  }
}
