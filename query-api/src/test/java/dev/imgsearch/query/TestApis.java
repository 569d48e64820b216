package dev.imgsearch.query;

import dev.imgsearch.query.watch.Watches;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;

/**
 * The query API of the HTTP tests: over a service, on a free port of 127.0.0.1, with a metrics
 * registry of its own.
 */
public final class TestApis {
  private TestApis() {}

  public static QueryApi start(QueryService service, QueryApiOptions options) {
    return new QueryApi(service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options)
        .start("127.0.0.1", 0);
  }

  /** The API with standing queries. */
  public static QueryApi start(QueryService service, QueryApiOptions options, Watches watches) {
    return new QueryApi(
            service, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), options, watches)
        .start("127.0.0.1", 0);
  }

  /** {@code http://127.0.0.1:<port>} of a started API. */
  public static String base(QueryApi api) {
    return "http://127.0.0.1:" + api.port();
  }

  /** {@code request} as a POST of {@code body}, of type {@code contentType}. */
  public static HttpRequest.Builder withBody(
      HttpRequest.Builder request, String contentType, byte[] body) {
    return request.header("Content-Type", contentType).POST(BodyPublishers.ofByteArray(body));
  }

  /** A POST of the PNG image {@code png} to {@code url}. */
  public static HttpRequest.Builder postPng(String url, byte[] png) {
    return withBody(HttpRequest.newBuilder(URI.create(url)), "image/png", png);
  }
}
