package dev.imgsearch.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imgsearch.embedder.image.ImageRejectedException;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small handlers: parse the request, call {@link QueryService}, record metrics, respond; errors go
 * to ApiErrors.
 */
final class Endpoints {

  /**
   * Body of {@code /healthz} and {@code /readyz}; {@code count} is the number of stored rows
   * (readiness only).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Status(String status, Long count, String model) {}

  /** Body of {@code /v1/stats}; {@code newestCapturedAt} is null while the index is empty. */
  record Stats(long count, String newestCapturedAt, String model) {}

  /** One row of {@code GET /v1/images}. */
  record Listed(
      String id,
      String bucket,
      String key,
      String source,
      String capturedAt,
      List<String> tags,
      String url) {}

  /**
   * Body of {@code GET /v1/images}; {@code complete} is false only in the degenerate case of {@link
   * RecentRows}.
   */
  record ListingBody(List<Listed> images, boolean complete, long tookMs) {}

  /**
   * Body of {@code GET /v1/timeline}: {@code counts[i]} covers {@code [from + i·interval, from +
   * (i+1)·interval)}.
   */
  record TimelineBody(
      String from, String to, long intervalSeconds, long[] counts, long total, boolean complete) {}

  private final ApiParts api;
  private final QueryService service;
  private final ApiMetrics metrics;

  Endpoints(ApiParts api, ApiMetrics metrics) {
    this.api = api;
    this.service = api.service();
    this.metrics = metrics;
  }

  /** {@code POST /v1/search}: image body, filters in the query string. */
  void searchByImage(Context ctx) throws ImageRejectedException {
    SearchParams params = SearchParams.fromQuery(ctx.queryParamMap());
    byte[] image = api.image(ctx);
    respond(ctx, "image", params, service.searchByImage(image, params, api.decodes()));
  }

  /**
   * {@code POST /v1/search/duplicates}: image body, {@code maxDistance} and filters in the query
   * string.
   */
  void searchDuplicates(Context ctx) throws ImageRejectedException {
    SearchParams params = SearchParams.fromQuery(ctx.queryParamMap());
    int maxDistance = SearchParams.maxDistanceFromQuery(ctx.queryParamMap());
    byte[] image = api.image(ctx);
    respond(
        ctx,
        "duplicates",
        params,
        service.nearDuplicates(image, params, maxDistance, api.decodes()));
  }

  /** {@code GET /v1/images/{id}/similar}. */
  void similar(Context ctx) {
    SearchParams params = SearchParams.fromQuery(ctx.queryParamMap());
    respond(ctx, "similar", params, service.similarTo(ctx.pathParam("id"), params));
  }

  /** {@code POST /v1/search/vector}: JSON body with the vector and the filters. */
  void searchByVector(Context ctx) {
    VectorQuery query = api.readJsonWith(ctx, VectorQuery.class, "vector", VectorQuery::vector);
    SearchParams params = query.params();
    respond(ctx, "vector", params, service.searchByVector(query.vector(), params));
  }

  /** {@code GET /v1/images/{id}}: metadata, a download URL and the detected objects and faces. */
  void image(Context ctx) {
    ImageResponse image =
        ImageResponse.from(service.image(ctx.pathParam("id"), api.options().presignExpiry()));
    ctx.json(ObjectEndpoints.withItems(api, image));
  }

  /** {@code GET /v1/stats}: row count and newest capture time (freshness). */
  void stats(Context ctx) {
    QueryService.IndexStats stats = service.stats();
    Long newest = stats.newestCapturedAtMillis();
    ctx.json(
        new Stats(
            stats.count(),
            newest == null ? null : Instant.ofEpochMilli(newest).toString(),
            stats.model()));
  }

  /** {@code GET /v1/images}: the newest images passing the filters, newest first. */
  void listImages(Context ctx) {
    long start = System.nanoTime();
    ListingParams.Listing params = ListingParams.listing(ctx.queryParamMap());
    RecentRows.Listing listing = service.newest(params);
    List<Listed> images =
        listing.rows().stream()
            .map(
                hit ->
                    new Listed(
                        hit.id(),
                        hit.bucket(),
                        hit.key(),
                        hit.source(),
                        Instant.ofEpochMilli(hit.capturedAtMillis()).toString(),
                        hit.tags() == null ? List.of() : hit.tags(),
                        api.resultUrl(hit.id(), hit.bucket(), hit.key())))
            .toList();
    ctx.json(
        new ListingBody(
            images, listing.complete(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
  }

  /** {@code GET /v1/timeline}: images per interval of a window. */
  void timeline(Context ctx) {
    ListingParams.Timeline params =
        ListingParams.timeline(ctx.queryParamMap(), System.currentTimeMillis());
    RecentRows.Counts counts = service.timeline(params);
    long total = 0;
    for (long c : counts.counts()) {
      total += c;
    }
    ctx.json(
        new TimelineBody(
            Instant.ofEpochMilli(params.fromMillis()).toString(),
            Instant.ofEpochMilli(params.toMillis()).toString(),
            params.intervalMillis() / 1000,
            counts.counts(),
            total,
            counts.complete()));
  }

  /**
   * {@code GET /v1/images/{id}/content}: proxies the stored bytes. Only raster image types are
   * passed through; anything else (HTML, SVG with scripts) is served as an inert octet-stream so
   * stored objects cannot run code on this origin.
   */
  void content(Context ctx) {
    ImageContentSource.Content content = service.content(ctx.pathParam("id"));
    String type = RequestBodies.mediaType(content.contentType());
    boolean raster = type.startsWith("image/") && !type.contains("svg");
    ctx.contentType(raster ? type : "application/octet-stream");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
    ctx.header("Cache-Control", "private, max-age=300");
    ctx.result(content.stream());
  }

  /** {@code GET /healthz}: the process is up. */
  void health(Context ctx) {
    ctx.json(new Status("UP", null, null));
  }

  /**
   * {@code GET /readyz}: the vector store answers and the model embeds, within the readiness
   * timeout.
   */
  void ready(Context ctx) {
    long count = service.checkReady(api.options().readinessTimeout());
    ctx.json(new Status("UP", count, service.modelId()));
  }

  private void respond(Context ctx, String kind, SearchParams params, SearchResult result) {
    metrics.recordSearch(kind, result);
    ctx.json(
        SearchResponse.from(
            result, params, hit -> api.resultUrl(hit.id(), hit.bucket(), hit.key())));
  }
}
