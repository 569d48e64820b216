package dev.imgsearch.indexer.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link VectorStoreSink} batches and retries.
 *
 * @param maxBatch pending changes (distinct ids) that trigger a write before the next checkpoint
 * @param maxDelay the oldest pending change is written at the latest this long after it arrived
 *     (checked every {@code maxDelay / 2}); {@link Duration#ZERO} turns the timer off (size and
 *     checkpoints only)
 * @param retry retry policy for transient store errors
 * @param visibleOnCheckpoint on a checkpoint, {@link
 *     dev.imgsearch.indexer.store.VectorStore#flush()} (durable and visible to every consistency
 *     level; a Milvus flush costs ≈ 4.4 s) instead of {@link
 *     dev.imgsearch.indexer.store.VectorStore#persist()} (durable; the default)
 */
public record SinkOptions(
    int maxBatch, Duration maxDelay, RetryPolicy retry, boolean visibleOnCheckpoint)
    implements Serializable {

  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(500);

  public SinkOptions {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be ≥ 1");
    }
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must be ≥ 0");
    }
    Objects.requireNonNull(retry, "retry");
  }

  /**
   * {@code maxBatch} with the defaults: max delay 500 ms, {@link RetryPolicy#DEFAULT}, persist on
   * checkpoint.
   */
  public static SinkOptions of(int maxBatch) {
    return new SinkOptions(maxBatch, DEFAULT_MAX_DELAY, RetryPolicy.DEFAULT, false);
  }

  public SinkOptions withMaxDelay(Duration delay) {
    return new SinkOptions(maxBatch, delay, retry, visibleOnCheckpoint);
  }

  public SinkOptions withRetry(RetryPolicy policy) {
    return new SinkOptions(maxBatch, maxDelay, policy, visibleOnCheckpoint);
  }

  public SinkOptions withVisibleOnCheckpoint(boolean visible) {
    return new SinkOptions(maxBatch, maxDelay, retry, visible);
  }
}
