package dev.imgsearch.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Alternative {@link FreshnessTracker.VisibilityCheck} ({@code --freshness-check lookup}): {@code
 * GET /v1/images/{id}} for every image of the batch, all at once (asynchronous requests), so one
 * sweep costs about one lookup's latency — at Milvus STRONG consistency one time tick — rather than
 * one per pending image. A lookup by id reads what a search reads (same store client and
 * consistency level).
 */
public final class LookupVisibilityCheck implements FreshnessTracker.VisibilityCheck {
  private final String api;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public LookupVisibilityCheck(String queryApiUrl) {
    this.api = queryApiUrl;
  }

  @Override
  public Set<String> visible(List<FreshnessTracker.Pending> batch) throws Exception {
    List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
    for (FreshnessTracker.Pending p : batch) {
      calls.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(api + "/v1/images/" + p.id()))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding()));
    }
    Set<String> out = new HashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      int code = calls.get(i).get().statusCode();
      if (code == 200) {
        out.add(batch.get(i).id());
      } else if (code != 404) {
        throw new IllegalStateException(
            "GET /v1/images/" + batch.get(i).id() + " answered " + code);
      }
    }
    return out;
  }
}
