package dev.imgsearch.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes through {@link ObjectStore#put}, deciding on each failure with {@link
 * ObjectStoreFailures}: a permanent one throws {@link ObjectStoreRejectedException} at once (the
 * frame becomes a dead letter); a transient one is retried with {@link Backoff} (each retry
 * counted) until the budget runs out, then {@link ObjectStoreUnavailableException} (the thread
 * fails and resumes from the last commit); an unknown one is retried at most {@value
 * #UNKNOWN_MAX_ATTEMPTS} attempts in all, then rejected.
 */
public final class RetryingObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingObjectStore.class);

  /** Sleeps; tests pass a recording one. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** Attempts at most for a failure that is neither known transient nor known permanent. */
  public static final int UNKNOWN_MAX_ATTEMPTS = 3;

  private final ObjectStore store;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final Runnable onRetry;

  public RetryingObjectStore(
      ObjectStore store,
      Backoff backoff,
      Sleeper sleeper,
      LongSupplier nanoClock,
      Runnable onRetry) {
    this.store = store;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.nanoClock = nanoClock;
    this.onRetry = onRetry;
  }

  public static RetryingObjectStore of(ObjectStore store, Backoff backoff, Runnable onRetry) {
    return new RetryingObjectStore(
        store, backoff, d -> Thread.sleep(d.toMillis()), System::nanoTime, onRetry);
  }

  public ObjectStore.Written put(
      String bucket, String key, byte[] bytes, String contentType, Map<String, String> meta) {
    long start = nanoClock.getAsLong();
    for (int attempt = 1; ; attempt++) {
      try {
        return store.put(bucket, key, bytes, contentType, meta);
      } catch (Exception e) {
        ObjectStoreFailures.Classified c = ObjectStoreFailures.classify(e);
        if (c.kind() == ObjectStoreFailures.Kind.PERMANENT) {
          throw new ObjectStoreRejectedException(
              "writing " + bucket + "/" + key + " refused: " + c.detail(), e);
        }
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        String failed = "writing " + bucket + "/" + key + " failed " + attempt;
        if (c.kind() == ObjectStoreFailures.Kind.UNKNOWN
            && (attempt >= UNKNOWN_MAX_ATTEMPTS || !backoff.allows(attempt, elapsed))) {
          throw new ObjectStoreRejectedException(
              failed + " attempts with an unknown error: " + c.detail(), e);
        }
        if (!backoff.allows(attempt, elapsed)) {
          throw new ObjectStoreUnavailableException(
              failed + " times in " + elapsed.toMillis() + " ms: " + e, e);
        }
        Duration delay = backoff.delay(attempt);
        if (attempt == 1 || attempt % 10 == 0) {
          LOG.warn(
              "writing {}/{} failed (attempt {}), retrying in {} ms: {}",
              bucket,
              key,
              attempt,
              delay.toMillis(),
              e.toString());
        }
        onRetry.run();
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ObjectStoreUnavailableException(
              "interrupted while retrying " + bucket + "/" + key, ie);
        }
      }
    }
  }
}
