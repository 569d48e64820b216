package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handler added to {@link QueryApi#app()} before start guards {@code /readyz} (as the local
 * stack's embedder-job check does): its exception goes through the API's own error mapping, and the
 * API's own check runs only after it.
 */
class ExtraReadinessCheckTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final AtomicBoolean pipelineUp = new AtomicBoolean();
  private QueryService service;
  private QueryApi api;

  @BeforeEach
  void start() {
    service =
        QueryService.builder(
                new TestImageEmbedder(1024), new TestVectorStore(TestImageEmbedder.DIMENSION))
            .build();
    api =
        new QueryApi(
            service,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            QueryApiOptions.defaults().withAnonymousAccess());
    api.app()
        .before(
            "/readyz",
            ctx -> {
              if (!pipelineUp.get()) {
                throw new StoreUnavailableException(
                    "pipeline-unavailable", "the pipeline is down", null);
              }
            });
    api.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    api.stop();
    service.close();
  }

  @Test
  void theAddedCheckAnswers503UntilItPasses() throws Exception {
    HttpResponse<String> down = get("/readyz");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"pipeline-unavailable\",\"message\":\"the pipeline is down\"}}");
    assertThat(get("/healthz").statusCode()).as("other routes are not guarded").isEqualTo(200);

    pipelineUp.set(true);
    HttpResponse<String> up = get("/readyz");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).contains("\"status\":\"UP\"");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
