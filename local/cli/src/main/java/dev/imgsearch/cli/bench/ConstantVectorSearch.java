package dev.imgsearch.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The visibility checks' search: {@code POST /v1/search/vector} through the query API with the
 * constant query vector (1, …, 1) and the check's filters. With a filter, which rows come back does
 * not depend on the vector, and its cosine with the model's non-negative (ReLU) embeddings is
 * positive (a unit axis scores exactly 0 against many of them, and Milvus did not return every such
 * row).
 */
public final class ConstantVectorSearch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ConstantVectorSearch(String queryApiUrl) {
    this.endpoint = URI.create(queryApiUrl + "/v1/search/vector");
  }

  /**
   * A request body holding the query vector (1, …, 1) of {@code dimension}; k and filters to add.
   */
  public static ObjectNode query(int dimension) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode vector = body.putArray("vector");
    for (int i = 0; i < dimension; i++) {
      vector.add(1);
    }
    return body;
  }

  /** The ids the search with {@code body} returns; an answer other than 200 fails. */
  public Set<String> ids(String body) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + ": " + r.body());
    }
    return resultIds(r.body());
  }

  /** The ids in a search response (pure; tested). */
  static Set<String> resultIds(String responseBody) throws IOException {
    Set<String> out = new HashSet<>();
    for (JsonNode hit : JSON.readTree(responseBody).path("results")) {
      out.add(hit.get("id").asText());
    }
    return out;
  }
}
