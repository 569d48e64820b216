package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The sink's write path without Flink: buffers {@link IndexAction}s (latest per id, {@link PendingWrites}) and writes
 * them to the store on a background thread when {@link SinkOptions#maxBatch()} are pending, when the oldest is older
 * than {@link SinkOptions#maxDelay()} ({@link #flushIfDue()}), and on {@link #checkpoint()}.
 *
 * <ul>
 *   <li>Order: at most one batch is in flight and the next one is written only after it, so changes to one id reach
 *       the store in arrival order.
 *   <li>Backpressure: when a batch is full while the previous one is still being written, {@link #add} blocks until
 *       that write ends. Nothing is dropped.
 *   <li>Retries: transient errors are retried per {@link RetryPolicy} (a batch is idempotent: upserts and deletes by
 *       id, so a partly applied batch can be repeated whole).
 *   <li>Failures: the first write that fails for good is remembered and rethrown (as {@link IOException}) by every
 *       later {@link #add}, {@link #flushIfDue()} and {@link #checkpoint()}, so the job fails and restarts from its
 *       last checkpoint instead of skipping data.
 *   <li>{@link #checkpoint()}: writes what is pending, waits for it, then {@link VectorStore#persist()} (or {@link
 *       VectorStore#flush()} with {@link SinkOptions#visibleOnCheckpoint()}), so a completed checkpoint means every
 *       change before it is durable in the store.
 * </ul>
 *
 * <p>{@link #add}, {@link #flushIfDue()}, {@link #checkpoint()} and {@link #close()} are called from one thread (the
 * Flink task's mailbox thread).
 */
public final class IndexBatcher implements AutoCloseable {

  /** What the batcher reports; the Flink sink maps it onto its metric group. */
  public interface Listener {
    /** A batch was written: {@code upserts} + {@code deletes} changes, about {@code bytes}, in {@code millis}. */
    default void written(int upserts, int deletes, long bytes, long millis) {}

    /** A write attempt of {@code records} changes failed and will be retried. */
    default void retrying(int records, Throwable error) {}

    /** A batch of {@code records} changes failed for good. */
    default void failed(int records, Throwable error) {}

    /** A checkpoint made everything before it durable, in {@code millis}. */
    default void persisted(long millis) {}
  }

  private final VectorStore store;
  private final SinkOptions options;
  private final Retrier.Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final Listener listener;
  private final ExecutorService writerThread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private PendingWrites pending = new PendingWrites();
  private long oldestPendingNanos;
  private Future<?> inFlight;
  private volatile int pendingCount;
  private volatile boolean closing;

  public IndexBatcher(VectorStore store, SinkOptions options, Listener listener) {
    this(store, options, listener, System::nanoTime, d -> Thread.sleep(d.toMillis()));
  }

  /** With an injectable clock and sleep (for tests of the retry and delay logic). */
  public IndexBatcher(
      VectorStore store, SinkOptions options, Listener listener, LongSupplier nanoClock, Retrier.Sleeper sleeper) {
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    Objects.requireNonNull(sleeper, "sleeper");
    this.sleeper =
        d -> {
          if (closing) {
            throw new InterruptedException("closing: no more retries");
          }
          sleeper.sleep(d);
        };
    this.writerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vector-store-writer-" + store.spec().name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Buffers one change; writes a batch when {@link SinkOptions#maxBatch()} are pending (may block, see class). */
  public void add(IndexAction action) throws IOException, InterruptedException {
    rethrowFailure();
    if (pending.isEmpty()) {
      oldestPendingNanos = nanoClock.getAsLong();
    }
    pending.add(action);
    pendingCount = pending.size();
    if (pending.size() >= options.maxBatch()) {
      submit();
    }
  }

  /** Writes the pending changes when the oldest has waited {@link SinkOptions#maxDelay()}; a no-op otherwise. */
  public void flushIfDue() throws IOException, InterruptedException {
    rethrowFailure();
    if (!pending.isEmpty()
        && nanoClock.getAsLong() - oldestPendingNanos >= options.maxDelay().toNanos()
        && (inFlight == null || inFlight.isDone())) {
      submit();
    }
  }

  /** Writes everything pending, waits for it and makes it durable; rethrows the first failure. */
  public void checkpoint() throws IOException, InterruptedException {
    submit();
    awaitInFlight();
    rethrowFailure();
    long start = nanoClock.getAsLong();
    try {
      retrier(0).run(options.visibleOnCheckpoint() ? "flush" : "persist",
          options.visibleOnCheckpoint() ? store::flush : store::persist);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      rethrowFailure();
    }
    listener.persisted(Duration.ofNanos(nanoClock.getAsLong() - start).toMillis());
  }

  /** Changes buffered and not yet handed to the writer thread (readable from any thread). */
  public int pending() {
    return pendingCount;
  }

  /**
   * Lets a write in progress finish (no more retries; the thread is never interrupted while it writes, since an
   * interrupt closes Lucene's file channels under a store shared with other subtasks), then closes the store. Pending
   * changes are dropped: a restore replays them.
   */
  @Override
  public void close() {
    closing = true;
    writerThread.shutdown();
    try {
      if (!writerThread.awaitTermination(30, TimeUnit.SECONDS)) {
        writerThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.close();
    }
  }

  private void submit() throws IOException, InterruptedException {
    awaitInFlight();
    rethrowFailure();
    if (pending.isEmpty()) {
      return;
    }
    PendingWrites batch = pending;
    pending = new PendingWrites();
    pendingCount = 0;
    inFlight = writerThread.submit(() -> write(batch));
  }

  private void write(PendingWrites batch) {
    int records = batch.size();
    int deletes = batch.deletes();
    long bytes = batch.estimatedBytes();
    long start = nanoClock.getAsLong();
    try {
      retrier(records).run("write", () -> batch.applyTo(store));
      listener.written(records - deletes, deletes, bytes, Duration.ofNanos(nanoClock.getAsLong() - start).toMillis());
    } catch (Throwable e) {
      listener.failed(records, e);
      failure.compareAndSet(null, e);
    }
  }

  private Retrier retrier(int records) {
    return new Retrier(options.retry(), nanoClock, sleeper, (op, n, wait, error) -> listener.retrying(records, error));
  }

  private void awaitInFlight() throws InterruptedException {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (ExecutionException e) {
      failure.compareAndSet(null, e.getCause());
    }
    inFlight = null;
  }

  private void rethrowFailure() throws IOException {
    Throwable first = failure.get();
    if (first != null) {
      throw new IOException("writing to vector store collection '" + store.spec().name() + "' failed: " + first, first);
    }
  }

  /** Estimated wire size of an upsert (vector + text fields); deletes count their id. */
  static long estimatedBytes(IndexAction action) {
    if (action.op() == IndexAction.Op.DELETE) {
      return action.id().length();
    }
    VectorRecord r = action.record();
    long text = r.id().length() + r.bucket().length() + r.key().length() + r.source().length() + r.model().length();
    for (String tag : r.tags()) {
      text += tag.length();
    }
    return 4L * r.vector().length + 8 + text;
  }
}
