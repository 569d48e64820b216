package dev.imgsearch.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The bench's {@link FreshnessTracker.VisibilityCheck}: one {@code POST /v1/search/vector} through
 * the query API — the same endpoint, store client and consistency level users get — filtered to the
 * pending images ({@link ConstantVectorSearch}). Every bench image is uploaded with a unique {@code
 * source} (its object key), so {@code source in [the batch's sources]} with {@code k =} batch size
 * returns exactly the pending images the index can already return to a search.
 */
public final class SearchVisibilityCheck implements FreshnessTracker.VisibilityCheck {
  private final ConstantVectorSearch search;
  private final int dimension;

  public SearchVisibilityCheck(String queryApiUrl, int dimension) {
    this.search = new ConstantVectorSearch(queryApiUrl);
    this.dimension = dimension;
  }

  /** The request body for one batch (pure; tested). */
  static String body(List<FreshnessTracker.Pending> batch, int dimension) {
    ObjectNode body = ConstantVectorSearch.query(dimension);
    body.put("k", batch.size());
    ArrayNode sources = body.putArray("source");
    batch.forEach(p -> sources.add(p.token()));
    return body.toString();
  }

  @Override
  public Set<String> visible(List<FreshnessTracker.Pending> batch) throws Exception {
    return search.ids(body(batch, dimension));
  }
}
