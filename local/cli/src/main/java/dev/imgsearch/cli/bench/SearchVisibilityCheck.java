package dev.imgsearch.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The bench's {@link FreshnessTracker.VisibilityCheck}: one {@code POST /v1/search/vector} through
 * the query API — the same endpoint, store client and consistency level users get — filtered to the
 * pending images. Every bench image is uploaded with a unique {@code source} (its object key), so
 * {@code source in [the batch's sources]} with {@code k =} batch size returns exactly the pending
 * images the index can already return to a search. The query vector is the constant (1, …, 1): with
 * the filter, which rows come back does not depend on it, and its cosine with the model's
 * non-negative (ReLU) embeddings is positive (a unit axis scores exactly 0 against many of them,
 * and Milvus did not return every such row).
 */
public final class SearchVisibilityCheck implements FreshnessTracker.VisibilityCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final int dimension;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public SearchVisibilityCheck(String queryApiUrl, int dimension) {
    this.endpoint = URI.create(queryApiUrl + "/v1/search/vector");
    this.dimension = dimension;
  }

  /** The request body for one batch (pure; tested). */
  static String body(List<FreshnessTracker.Pending> batch, int dimension) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode vector = body.putArray("vector");
    for (int i = 0; i < dimension; i++) {
      vector.add(1);
    }
    body.put("k", batch.size());
    ArrayNode sources = body.putArray("source");
    batch.forEach(p -> sources.add(p.token()));
    return body.toString();
  }

  /** The ids in a search response (pure; tested). */
  static Set<String> ids(String responseBody) throws java.io.IOException {
    Set<String> out = new HashSet<>();
    for (JsonNode hit : JSON.readTree(responseBody).path("results")) {
      out.add(hit.get("id").asText());
    }
    return out;
  }

  @Override
  public Set<String> visible(List<FreshnessTracker.Pending> batch) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(batch, dimension)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + ": " + r.body());
    }
    return ids(r.body());
  }
}
