package dev.imgsearch.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * The progress line printed while a phase waits for its images: searchable, pending and check
 * errors; when the oldest pending image has waited more than 10 s, also whether the query API knows
 * it at all (GET by id, same consistency).
 */
public final class BenchProgress {
  private static final long STUCK_NANOS = 10_000_000_000L;

  private final String apiUrl;
  private final FreshnessTracker tracker;

  public BenchProgress(String apiUrl, FreshnessTracker tracker) {
    this.apiUrl = apiUrl;
    this.tracker = tracker;
  }

  void report(String phase) {
    String detail = stuckDetail();
    System.out.printf(
        "  [%s] searchable %d, pending %d, check errors %d%s%n",
        phase, tracker.seen(), tracker.pending(), tracker.errors(), detail);
  }

  private String stuckDetail() {
    var oldest = tracker.oldestPending();
    if (oldest.isEmpty()
        || System.nanoTime() - oldest.get().putNanos() <= STUCK_NANOS
        || apiUrl == null) {
      return "";
    }
    try {
      int code =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(apiUrl + "/v1/images/" + oldest.get().id()))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      return String.format(
          Locale.ROOT,
          "; oldest pending %s for %.0f s, GET by id → %d",
          oldest.get().token(),
          (System.nanoTime() - oldest.get().putNanos()) / 1e9,
          code);
    } catch (Exception e) {
      return "; GET by id failed: " + e;
    }
  }
}
