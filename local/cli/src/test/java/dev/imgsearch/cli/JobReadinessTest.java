package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.query.StoreUnavailableException;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

class JobReadinessTest {

  @Test
  void readyOnlyWhileTheJobRuns() {
    AtomicReference<JobStatus> status = new AtomicReference<>(JobStatus.INITIALIZING);
    JobReadiness readiness =
        new JobReadiness(
            () -> CompletableFuture.completedFuture(status.get()), Duration.ofSeconds(1));
    for (JobStatus notRunning :
        new JobStatus[] {
          JobStatus.INITIALIZING,
          JobStatus.CREATED,
          JobStatus.RESTARTING,
          JobStatus.FAILING,
          JobStatus.FAILED,
          JobStatus.CANCELED
        }) {
      status.set(notRunning);
      assertThatThrownBy(readiness::check)
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining(notRunning.name())
          .extracting(e -> ((StoreUnavailableException) e).code())
          .isEqualTo(LocalStack.PIPELINE_UNAVAILABLE);
    }
    status.set(JobStatus.RUNNING);
    assertThatCode(readiness::check).doesNotThrowAnyException();
  }

  @Test
  void unknownStatusIsNotReady() {
    JobReadiness hanging = new JobReadiness(CompletableFuture::new, Duration.ofMillis(50));
    assertThatThrownBy(hanging::check)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("within 50 ms");
    JobReadiness failing =
        new JobReadiness(
            () -> CompletableFuture.failedFuture(new IllegalStateException("job gone")),
            Duration.ofSeconds(1));
    assertThatThrownBy(failing::check)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("job gone");
  }

  /**
   * The guard runs before the endpoint: 503 while the job is not running, the endpoint's answer
   * once it is.
   */
  @Test
  void guardsTheReadinessRoute() throws Exception {
    AtomicReference<JobStatus> status = new AtomicReference<>(JobStatus.RESTARTING);
    Javalin app = Javalin.create();
    app.get("/readyz", ctx -> ctx.result("UP"));
    app.get("/healthz", ctx -> ctx.result("UP"));
    app.exception(StoreUnavailableException.class, (e, ctx) -> ctx.status(503).result(e.code()));
    JobReadiness.guard(
        app,
        new JobReadiness(
            () -> CompletableFuture.completedFuture(status.get()), Duration.ofSeconds(1)));
    app.start("127.0.0.1", 0);
    try {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + app.port();
      HttpResponse<String> notReady =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo(LocalStack.PIPELINE_UNAVAILABLE);
      // liveness is not affected
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      status.set(JobStatus.RUNNING);
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("UP");
    } finally {
      app.stop();
    }
  }
}
