package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The readiness probe: the store counts its rows and, until that first succeeds, the model embeds a
 * small generated image, each within the probe's own timeout (not the store timeout). Probes run on
 * one thread of their own, which a timed-out probe interrupts. Thread-safe.
 */
final class Readiness implements AutoCloseable {

  private final ImageEmbedder embedder;
  private final VectorStore store;
  private final int dimension;
  private final AtomicBoolean modelChecked = new AtomicBoolean();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(DaemonThreads.named("query-store-probe"));

  Readiness(ImageEmbedder embedder, VectorStore store, int dimension) {
    this.embedder = embedder;
    this.store = store;
    this.dimension = dimension;
  }

  /**
   * Counts the store's rows and, until it first succeeds, embeds the probe image, giving up after
   * {@code timeout}.
   *
   * @return the row count
   * @throws StoreUnavailableException if the store or the model fails or does not answer in time
   *     (code {@value StoreUnavailableException#STORE} or {@value StoreUnavailableException#MODEL})
   */
  long checkReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = checkStore(timeout);
    if (!modelChecked.get()) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      withTimeout(this::embedProbeImage, left, StoreUnavailableException.MODEL, "embedding model");
      modelChecked.set(true);
    }
    return count;
  }

  /** {@link #checkReady} without the model check. */
  long checkStore(Duration timeout) {
    return withTimeout(store::count, timeout, StoreUnavailableException.STORE, "vector store");
  }

  private <T> T withTimeout(Callable<T> call, Duration timeout, String code, String what) {
    Future<T> future = executor.submit(call);
    try {
      return future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(
          code, what + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException(
          code, what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new StoreUnavailableException(code, "interrupted while probing the " + what, e);
    }
  }

  private Boolean embedProbeImage() throws ImageRejectedException {
    float[] vector = embedder.embed(ProbeImage.PNG);
    if (vector.length != dimension) {
      throw new IllegalStateException(
          "the model produced " + vector.length + " components instead of " + dimension);
    }
    return Boolean.TRUE;
  }

  /** Stops the probe thread. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
