package dev.imgsearch.cli;

import dev.imgsearch.query.StoreUnavailableException;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobStatus;

/**
 * The local stack's readiness condition on top of the query API's own (store answers, model
 * embeds): the embedder + indexer Flink job is {@link JobStatus#RUNNING}. While it is created,
 * restarting after a failure, failing or gone, uploads are not being indexed, so {@code /readyz}
 * answers 503 with code {@value LocalStack#PIPELINE_UNAVAILABLE}.
 *
 * <p>Wired as a Javalin before-handler on {@code /readyz} of the routing {@link
 * dev.imgsearch.query.QueryApi#create} returns: the exception it throws goes through the API's own
 * error mapping (503 + JSON error) and the readiness endpoint itself does not run.
 */
final class JobReadiness {
  private final Supplier<CompletableFuture<JobStatus>> status;
  private final Duration timeout;

  JobReadiness(Supplier<CompletableFuture<JobStatus>> status, Duration timeout) {
    this.status = Objects.requireNonNull(status, "status");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Adds the check in front of {@code /readyz}. */
  static void guard(Javalin app, JobReadiness readiness) {
    app.before("/readyz", ctx -> readiness.check());
  }

  /**
   * Returns if the job is running.
   *
   * @throws StoreUnavailableException (503) naming the job's status otherwise, or if the status is
   *     not known in time
   */
  void check() {
    JobStatus current;
    try {
      current = status.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw unavailable(
          "the embedder job's status is not known within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw unavailable("the embedder job's status is not known: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while asking for the embedder job's status", e);
    }
    if (current != JobStatus.RUNNING) {
      throw unavailable(
          "the embedder job is " + current + ", not RUNNING: uploads are not being indexed", null);
    }
  }

  private static StoreUnavailableException unavailable(String message, Throwable cause) {
    return new StoreUnavailableException(LocalStack.PIPELINE_UNAVAILABLE, message, cause);
  }
}
