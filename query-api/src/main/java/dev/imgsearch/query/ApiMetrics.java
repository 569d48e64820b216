package dev.imgsearch.query;

import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.query.watch.WebhookRetry;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Meters of the query API.
 *
 * <ul>
 *   <li>{@code http.server.requests} (timer with a latency histogram; tags {@code method}, {@code
 *       route} = the matched route template or {@value #UNMATCHED_ROUTE}, {@code status})
 *   <li>{@code imgsearch.search.latency} (timer with histogram; tag {@code kind} = image | similar
 *       | vector | duplicates)
 *   <li>{@code imgsearch.search.results} (summary of result counts; tag {@code kind})
 *   <li>with watches: {@code imgsearch.watches} (watches in the view), {@code
 *       imgsearch.watches.ready} (1 once the view has caught up), {@code imgsearch.alerts.received}
 *       (distinct alerts read from the alerts topic), {@code imgsearch.alerts.undecodable} (records
 *       of the alerts topic that were not alerts), {@code imgsearch.alert.streams} (connected SSE
 *       clients), {@code imgsearch.webhooks.delivered} (tag {@code attempts} = first | retried) and
 *       {@code imgsearch.webhooks.failed} (tag {@code outcome} = rejected | unavailable | timeout |
 *       connection)
 * </ul>
 */
final class ApiMetrics {

  /**
   * Route tag for requests that matched no endpoint, so unknown paths cannot explode the tag
   * cardinality.
   */
  static final String UNMATCHED_ROUTE = "UNMATCHED";

  /**
   * Latency histogram buckets of {@code http.server.requests}: a fixed, small set per route and
   * status.
   */
  static final Duration[] SLO_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;

  /** Registers the gauges and the counter of the standing queries. */
  void watches(Watches w) {
    gauge("imgsearch.watches", w.view(), v -> v.size(), "Watches in the view of the watches topic");
    gauge(
        "imgsearch.watches.ready",
        w.view(),
        v -> v.ready() ? 1 : 0,
        "1 once the watches view has read its topic to the end");
    counter(
        "imgsearch.alerts.received",
        w.alerts(),
        a -> a.received(),
        "Distinct alerts read from the alerts topic");
    counter(
        "imgsearch.alerts.undecodable",
        w.alerts(),
        a -> a.undecodable(),
        "Records of the alerts topic that were not alerts, skipped (and logged)");
    gauge(
        "imgsearch.alert.streams",
        w.alerts(),
        a -> a.subscriberCount(),
        "Connected alert streams (SSE)");
    for (boolean retried : new boolean[] {false, true}) {
      counter(
          "imgsearch.webhooks.delivered",
          w.deliveries(),
          d -> d.delivered(retried),
          "Alerts posted to their watch's webhook and acknowledged with a 2xx",
          "attempts",
          retried ? "retried" : "first");
    }
    for (WebhookRetry.Outcome o : WebhookRetry.Outcome.values()) {
      if (o != WebhookRetry.Outcome.DELIVERED) {
        counter(
            "imgsearch.webhooks.failed",
            w.deliveries(),
            d -> d.failed(o),
            "Alerts whose webhook delivery was given up, by the last attempt's outcome",
            "outcome",
            o.tag());
      }
    }
  }

  private <T> void gauge(String name, T obj, ToDoubleFunction<T> value, String description) {
    Gauge.builder(name, obj, value).description(description).register(registry);
  }

  /** A counter that reads {@code obj}'s {@code count}; {@code tags}: key, value, key, value... */
  private <T> void counter(
      String name, T obj, ToDoubleFunction<T> count, String description, String... tags) {
    FunctionCounter.builder(name, obj, count)
        .description(description)
        .tags(tags)
        .register(registry);
  }

  ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Request-logger callback: one timer sample per finished request. */
  void recordRequest(Context ctx, Float executionMillis) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by route and status")
        .serviceLevelObjectives(SLO_BUCKETS)
        .tag("method", ctx.method().name())
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (executionMillis * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  /** Latency and result count of one successful search. */
  void recordSearch(String kind, SearchResult result) {
    Timer.builder("imgsearch.search.latency")
        .description("Search latency including embedding of the query image")
        .tag("kind", kind)
        .publishPercentileHistogram()
        .register(registry)
        .record(result.tookNanos(), TimeUnit.NANOSECONDS);
    DistributionSummary.builder("imgsearch.search.results")
        .description("Number of results returned per search")
        .tag("kind", kind)
        .register(registry)
        .record(result.hits().size());
  }

  private static String route(Context ctx) {
    // Javalin leaves the handler type at BEFORE when no endpoint matched.
    if (ctx.handlerType() == HandlerType.BEFORE) {
      return UNMATCHED_ROUTE;
    }
    try {
      return ctx.endpointHandlerPath();
    } catch (IllegalStateException e) {
      return UNMATCHED_ROUTE;
    }
  }
}
