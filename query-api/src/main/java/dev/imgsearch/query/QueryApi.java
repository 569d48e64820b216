package dev.imgsearch.query;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.imgsearch.query.watch.Watches;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of {@link QueryService}. All routes are declared in {@link #create}, which tests
 * reuse; this class only adds the server lifecycle.
 *
 * <pre>
 * POST /v1/search                  image body (raw or multipart field "image"), filters as query params
 * GET  /v1/images/{id}/similar     neighbours of a stored image, itself excluded
 * POST /v1/search/vector           JSON {"vector":[...], "k":.., filters..}
 * POST /v1/search/duplicates       image body; near-duplicates by perceptual hash, maxDistance + filters as query params
 * GET  /v1/images/{id}             metadata + download URL (presigned when an ImageUrlSigner is wired)
 * GET  /v1/images/{id}/content     the stored image bytes (404 without an ImageContentSource)
 * GET  /v1/stats                   row count and newest capture time
 * POST /v1/watches                 standing query from JSON (vector, imageId or phash) or an uploaded image
 * POST /v1/watches/preview         what a watch (JSON) would match among the stored images / objects / faces, histogram
 * GET|PUT|DELETE /v1/watches/{id}  one watch; GET /v1/watches lists them; GET /v1/watches/{id}/alerts its recent alerts
 * GET  /v1/alerts/stream           server-sent events of new alerts, optionally ?watch=ID
 * GET  /healthz  GET /readyz  GET /metrics  GET /openapi.json  GET /
 * </pre>
 *
 * <p>{@code /v1/*} requires an API key in {@value ApiKeys#HEADER} when {@link
 * QueryApiOptions#apiKeys()} is enabled; the probes, metrics, the OpenAPI document and the page are
 * open.
 */
public final class QueryApi {

  private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

  /** Request line + headers; Jetty answers larger ones itself (431). */
  static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;

  /** Alert streams (SSE) served at once; each holds a request thread. */
  static final int MAX_ALERT_STREAMS = 32;

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Javalin app;
  private final QueryApiOptions options;

  /** An unstarted server with the given settings. */
  public QueryApi(QueryService service, PrometheusMeterRegistry registry, QueryApiOptions options) {
    this(service, registry, options, null);
  }

  /**
   * An unstarted server with the given settings and standing queries ({@code watches} null: watches
   * are off).
   */
  public QueryApi(
      QueryService service,
      PrometheusMeterRegistry registry,
      QueryApiOptions options,
      Watches watches) {
    this.app = create(service, registry, options, watches);
    this.options = options;
  }

  /**
   * The complete routing and error mapping, not yet started.
   *
   * @throws IllegalStateException if the options have neither API keys nor the explicit anonymous
   *     opt-out (fail closed)
   */
  public static Javalin create(
      QueryService service, PrometheusMeterRegistry registry, QueryApiOptions options) {
    return create(service, registry, options, null);
  }

  /**
   * {@link #create(QueryService, PrometheusMeterRegistry, QueryApiOptions)} with watches ({@code
   * null}: off, 503).
   */
  public static Javalin create(
      QueryService service,
      PrometheusMeterRegistry registry,
      QueryApiOptions options,
      Watches watches) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(options, "options");
    options.checkAuthentication();
    ObjectMapper mapper = objectMapper();
    ApiMetrics metrics = new ApiMetrics(registry);
    PermitPool decodes =
        new PermitPool("image decode", options.maxConcurrentDecodes(), options.decodeWait());
    ApiParts api = new ApiParts(service, mapper, options, decodes);
    Endpoints endpoints = new Endpoints(api, metrics);
    AtomicReference<Javalin> created = new AtomicReference<>();
    String indexHtml = resource("index.html");
    String openApi = resource("openapi.json");

    Javalin app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.http.maxRequestSize = options.maxBodyBytes();
              config.http.prefer405over404 = true;
              // long filter lists still reach the validator (JSON 400) instead of Jetty's 431/414
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
                    // a body trickling in slower than this is cut off (408) instead of pinning a
                    // thread
                    http.setMinRequestDataRate(options.minRequestDataRate());
                    // blocking reads and writes of a request in progress
                    http.setIdleTimeout(options.idleTimeout().toMillis());
                    // a request whose body has not started yet waits without a thread (bounded by
                    // the idle timeout)
                    http.setDelayDispatchUntilContent(true);
                  });
              config.jetty.threadPool = threadPool(options.maxThreads());
              // connections: idle between requests or while their headers trickle in
              config.events(
                  events ->
                      events.serverStarting(
                          () -> setIdleTimeout(created.get(), options.idleTimeout())));
              config.jsonMapper(new JavalinJackson(mapper, false));
              config.requestLogger.http(metrics::recordRequest);
            });
    created.set(app);

    ApiKeys keys = options.apiKeys();
    app.beforeMatched("/v1/*", ctx -> keys.check(ctx.header(ApiKeys.HEADER)));
    app.post("/v1/search", endpoints::searchByImage);
    app.post("/v1/search/vector", endpoints::searchByVector);
    app.post("/v1/search/duplicates", endpoints::searchDuplicates);
    app.get("/v1/images", endpoints::listImages);
    app.get("/v1/timeline", endpoints::timeline);
    app.get("/v1/images/{id}", endpoints::image);
    app.get("/v1/images/{id}/similar", endpoints::similar);
    app.get("/v1/images/{id}/content", endpoints::content);
    app.get("/v1/stats", endpoints::stats);
    new ObjectEndpoints(api).routes(app);
    WatchEndpoints watchEndpoints = new WatchEndpoints(api, watches);
    app.post("/v1/watches", watchEndpoints::create);
    app.post("/v1/watches/preview", watchEndpoints::preview);
    app.get("/v1/watches", watchEndpoints::list);
    app.get("/v1/watches/{id}", watchEndpoints::get);
    app.put("/v1/watches/{id}", watchEndpoints::update);
    app.delete("/v1/watches/{id}", watchEndpoints::delete);
    app.get("/v1/watches/{id}/alerts", watchEndpoints::alerts);
    AlertStream alertStream = new AlertStream(watchEndpoints, mapper, MAX_ALERT_STREAMS);
    app.beforeMatched("/v1/alerts/stream", alertStream::check);
    app.sse("/v1/alerts/stream", alertStream::stream);
    if (watches != null) { // not ready until the watches view has caught up with its topic
      metrics.watches(watches);
      app.before("/readyz", ctx -> watchEndpoints.watches());
    }
    app.get("/healthz", endpoints::health);
    app.get("/readyz", endpoints::ready);
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(registry.scrape()));
    app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    app.get("/", ctx -> ctx.html(indexHtml));
    ApiErrors.register(app);
    return app;
  }

  private static QueuedThreadPool threadPool(int maxThreads) {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, QueryApiOptions.MIN_THREADS, 60_000);
    pool.setName("query-api-http");
    return pool;
  }

  private static void setIdleTimeout(Javalin app, Duration timeout) {
    for (Connector connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof AbstractConnector c) {
        c.setIdleTimeout(timeout.toMillis());
      }
    }
  }

  /** Starts listening on all interfaces; port 0 picks a free port (see {@link #port()}). */
  public QueryApi start(int port) {
    app.start(port);
    logAuth();
    return this;
  }

  /** Starts listening on one interface, e.g. {@code 127.0.0.1}. */
  public QueryApi start(String host, int port) {
    app.start(host, port);
    logAuth();
    return this;
  }

  private void logAuth() {
    if (options.apiKeys().enabled()) {
      LOG.info("query API on port {}: /v1/* requires an API key in {}", port(), ApiKeys.HEADER);
    } else {
      LOG.warn(
          "query API on port {}: API keys are OFF (anonymous access was asked for), anyone who can reach this port"
              + " can search and read images; acceptable for local mode only",
          port());
    }
  }

  /**
   * The routing of this server (as {@link #create} returns it): handlers added before {@link
   * #start} run first.
   */
  public Javalin app() {
    return app;
  }

  /** The bound port once started. */
  public int port() {
    return app.port();
  }

  /** Stops the server; the service, store and embedder stay open. */
  public void stop() {
    app.stop();
  }

  /**
   * JSON settings: unknown request fields are errors, and a single value may stand for a
   * one-element list.
   */
  static ObjectMapper objectMapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  private static String resource(String name) {
    try (InputStream in = QueryApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
