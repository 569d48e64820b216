package dev.imgsearch.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Query latency and recall: {@code --queries} searches by image (new images, k=10), then as many
 * searches by vector, each a stored embedding plus a little noise, whose results are compared with
 * the exact top 10 over every embedding in the embeddings topic. Any answer but 200 fails the
 * bench.
 */
public final class QueryPhase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int K = 10;
  private static final double NOISE = 0.02;

  /**
   * @param byImage latency of the searches by image, ms
   * @param byVector latency of the searches by vector, ms
   * @param recall mean recall@10 of the searches by vector against exact search
   * @param vectors the embeddings searched exactly (every image indexed)
   */
  public record Result(Percentiles byImage, Percentiles byVector, double recall, int vectors) {}

  private final BenchContext ctx;
  private final String api;
  private final HttpClient http = HttpClient.newHttpClient();

  private QueryPhase(BenchContext ctx, String api) {
    this.ctx = ctx;
    this.api = api;
  }

  /**
   * Runs the queries against the query API at {@code apiUrl}; reads the embeddings from {@code
   * bootstrapServers}.
   */
  public static Result run(BenchContext ctx, String apiUrl, String bootstrapServers)
      throws Exception {
    int queries = ctx.options().queries();
    System.out.printf("[queries] %d image searches, %d vector searches%n", queries, queries);
    QueryPhase phase = new QueryPhase(ctx, apiUrl);
    Percentiles byImage = phase.imageQueries(queries);
    Map<String, float[]> vectors = EmbeddingsTopic.read(bootstrapServers);
    System.out.printf("  %d embeddings read from %s%n", vectors.size(), Topics.EMBEDDINGS.name());
    List<Double> vectorMs = new ArrayList<>();
    double recall = phase.vectorQueries(queries, vectors, vectorMs);
    return new Result(byImage, Percentiles.of(vectorMs), recall, vectors.size());
  }

  private Percentiles imageQueries(int queries) throws Exception {
    List<Double> ms = new ArrayList<>();
    int first = ctx.take(queries);
    for (int i = 0; i < queries; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/v1/search?k=" + K))
                  .header("Content-Type", "image/jpeg")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(ctx.image(first + i)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ms.add((System.nanoTime() - t0) / 1e6);
      require(r.statusCode() == 200, "search answered " + r.statusCode() + ": " + r.body());
    }
    return Percentiles.of(ms);
  }

  /**
   * Runs the searches by vector, adding each one's latency to {@code ms}; returns the mean
   * recall@10.
   */
  private double vectorQueries(int queries, Map<String, float[]> vectors, List<Double> ms)
      throws Exception {
    List<String> ids = new ArrayList<>(vectors.keySet());
    SplittableRandom rnd = new SplittableRandom(42);
    double recallSum = 0;
    for (int i = 0; i < queries; i++) {
      float[] q = perturbed(vectors.get(ids.get(rnd.nextInt(ids.size()))), rnd);
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/v1/search/vector"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body(q)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      ms.add((System.nanoTime() - t0) / 1e6);
      require(r.statusCode() == 200, "vector search answered " + r.statusCode() + ": " + r.body());
      recallSum += Recall.recallAtK(ids(r.body()), Recall.exactTopK(vectors, q, K), K);
    }
    return recallSum / queries;
  }

  private static String body(float[] vector) {
    ObjectNode body = JSON.createObjectNode();
    body.put("k", K);
    var arr = body.putArray("vector");
    for (float f : vector) {
      arr.add(f);
    }
    return body.toString();
  }

  private static List<String> ids(String response) throws Exception {
    List<String> got = new ArrayList<>();
    for (JsonNode hit : JSON.readTree(response).get("results")) {
      got.add(hit.get("id").asText());
    }
    return got;
  }

  /**
   * A stored vector plus small Gaussian noise, re-normalised: a query near, but not at, an indexed
   * point.
   */
  static float[] perturbed(float[] v, SplittableRandom rnd) {
    float[] q = new float[v.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      q[i] = (float) (v[i] + gaussian(rnd) * NOISE);
      norm += q[i] * q[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < q.length; i++) {
      q[i] *= inv;
    }
    return q;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
