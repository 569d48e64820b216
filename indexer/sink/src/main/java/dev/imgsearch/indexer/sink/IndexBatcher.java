package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.DaemonThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's write path without Flink: buffers {@link IndexAction}s (latest per id, {@link
 * PendingWrites}) and writes them to the store on a background thread when {@link
 * SinkOptions#maxBatch()} are pending, when the oldest is older than {@link SinkOptions#maxDelay()}
 * ({@link #flushIfDue()}), and on {@link #checkpoint()}.
 *
 * <ul>
 *   <li>Order: at most one batch is in flight and the next one is written only after it, so changes
 *       to one id reach the store in arrival order.
 *   <li>Backpressure: when a batch is full while the previous one is still being written, {@link
 *       #add} blocks until that write ends. Nothing is dropped.
 *   <li>Retries: transient errors are retried per {@link RetryPolicy} (a batch is idempotent:
 *       upserts and deletes by id, so a partly applied batch can be repeated whole).
 *   <li>A record the store refuses ({@link WriteFailures}): with a {@link SinkDeadLetters.Writer},
 *       a batch the store refuses is split in halves, recursively (or the record the store names,
 *       {@link dev.imgsearch.indexer.store.RecordRejectedException}, is set aside at once), until
 *       the refused record is alone; it is dead-lettered with its reason and the rest of the batch
 *       is written. A record failing with an unclassified error is tried {@value
 *       #UNKNOWN_ERROR_ATTEMPTS} times alone, then dead-lettered — unless no record of the batch
 *       could be written and all failed that way (then it is the store's problem: the job fails).
 *   <li>Failures: the first write that fails for good (an outage outlasting the retry policy; any
 *       refusal when there is no dead-letter writer) is remembered and rethrown (as {@link
 *       IOException}) by every later {@link #add}, {@link #flushIfDue()} and {@link #checkpoint()},
 *       so the job fails and restarts from its last checkpoint instead of skipping data.
 *   <li>{@link #checkpoint()}: writes what is pending, waits for it, flushes the dead letters, then
 *       {@link VectorStore#persist()} (or {@link VectorStore#flush()} with {@link
 *       SinkOptions#visibleOnCheckpoint()}), so a completed checkpoint means every change before it
 *       is durable in the store, or on the dead-letter topic. Then each change written since the
 *       previous checkpoint (a bounded sample, {@link FreshnessSamples}) reports its end-to-end
 *       age, now − its {@link IndexAction#eventTimeMillis()}, to {@link Listener#visible}.
 * </ul>
 *
 * <p>{@link #add}, {@link #flushIfDue()}, {@link #checkpoint()} and {@link #close()} are called
 * from one thread (the Flink task's mailbox thread).
 */
public final class IndexBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBatcher.class);

  /** What the batcher reports; the Flink sink maps it onto its metric group. */
  public interface Listener {
    /**
     * A batch was written: {@code upserts} + {@code deletes} changes, about {@code bytes}, in
     * {@code millis}.
     */
    default void written(int upserts, int deletes, long bytes, long millis) {}

    /** A write attempt of {@code records} changes failed and will be retried. */
    default void retrying(int records, Throwable error) {}

    /** A batch of {@code records} changes failed for good. */
    default void failed(int records, Throwable error) {}

    /** A change the store refused was dead-lettered with {@code reason}. */
    default void deadLettered(String reason, Throwable error) {}

    /** A checkpoint made everything before it durable, in {@code millis}. */
    default void persisted(long millis) {}

    /**
     * After a checkpoint's persist: the end-to-end age (ms, upload seen by the object store →
     * durable in the store) of one change written since the previous checkpoint (a bounded sample
     * of them, {@link FreshnessSamples}).
     */
    default void visible(long ageMillis) {}
  }

  /**
   * Attempts of a record alone whose write fails with an unclassified error, before it is
   * dead-lettered.
   */
  public static final int UNKNOWN_ERROR_ATTEMPTS = 3;

  private final VectorStore store;
  private final SinkDeadLetters.Writer deadLetters;
  private final SinkOptions options;
  private final Retrier.Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final LongSupplier wallClock;
  private final FreshnessSamples freshness = new FreshnessSamples();
  private final Listener listener;
  private final ExecutorService writerThread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private PendingWrites pending = new PendingWrites();
  private long oldestPendingNanos;
  private Future<?> inFlight;
  private volatile int pendingCount;
  private volatile boolean closing;

  /**
   * Refused records go to {@code deadLetters} (closed with the batcher); null: a refusal fails the
   * job.
   */
  public IndexBatcher(
      VectorStore store,
      SinkOptions options,
      Listener listener,
      SinkDeadLetters.Writer deadLetters) {
    this(
        store,
        options,
        listener,
        System::nanoTime,
        d -> Thread.sleep(d.toMillis()),
        deadLetters,
        System::currentTimeMillis);
  }

  /**
   * With an injectable clock and sleep (for tests of the retry and delay logic) and wall clock
   * (epoch ms; the freshness ages are measured against it).
   */
  IndexBatcher(
      VectorStore store,
      SinkOptions options,
      Listener listener,
      LongSupplier nanoClock,
      Retrier.Sleeper sleeper,
      SinkDeadLetters.Writer deadLetters,
      LongSupplier wallClock) {
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.deadLetters = deadLetters;
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
            DaemonThreads.named("vector-store-writer-" + store.spec().name()));
  }

  /**
   * Buffers one change; writes a batch when {@link SinkOptions#maxBatch()} are pending (may block,
   * see class).
   */
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

  /**
   * Writes the pending changes when the oldest has waited {@link SinkOptions#maxDelay()}; a no-op
   * otherwise.
   */
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
    if (deadLetters != null) {
      try {
        deadLetters.flush();
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, e);
        rethrowFailure();
      }
    }
    long start = nanoClock.getAsLong();
    // on the writer thread, like every store write: a cancelled task's interrupt lands on this
    // (waiting) thread, never
    // inside the store's I/O (an interrupt closes Lucene's file channels, the write lock's among
    // them)
    Future<?> durable =
        writerThread.submit(
            () -> {
              retrier(0)
                  .run(
                      options.visibleOnCheckpoint() ? "flush" : "persist",
                      options.visibleOnCheckpoint() ? store::flush : store::persist);
              return null;
            });
    try {
      durable.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      failure.compareAndSet(
          null, cause instanceof RuntimeException r ? r : new IllegalStateException(cause));
      rethrowFailure();
    }
    listener.persisted(Duration.ofNanos(nanoClock.getAsLong() - start).toMillis());
    freshness.drain(wallClock.getAsLong(), listener::visible);
  }

  /** Changes buffered and not yet handed to the writer thread (readable from any thread). */
  public int pending() {
    return pendingCount;
  }

  /**
   * Lets a write in progress finish (no more retries; the thread is never interrupted while it
   * writes, since an interrupt closes Lucene's file channels under a store shared with other
   * subtasks), then closes the store. Pending changes are dropped: a restore replays them.
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
      // never thrown from here: close runs in Flink's failure handling, where an exception is fatal
      // to the whole TaskManager; what was not made durable is replayed from the checkpoint anyway
      closeQuietly("dead-letter writer", deadLetters);
      closeQuietly("vector store", store);
    }
  }

  private static void closeQuietly(String what, AutoCloseable resource) {
    if (resource == null) {
      return;
    }
    try {
      resource.close();
    } catch (Exception | LinkageError e) {
      LOG.warn(
          "closing the {} failed (its pending changes are replayed from the last checkpoint): {}",
          what,
          e.toString());
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
    List<IndexAction> actions = batch.actions();
    long start = nanoClock.getAsLong();
    try {
      BatchOutcome outcome = new BatchOutcome(freshness);
      writeIsolating(actions, outcome);
      if (!outcome.refused.isEmpty()) {
        if (outcome.written == 0 && outcome.allUnknown && actions.size() > 1) {
          throw outcome
              .refused
              .get(0)
              .error(); // nothing could be written: the store, not the records
        }
        outcome.deadLetter(deadLetters, listener);
      }
      listener.written(
          outcome.written - outcome.deletes,
          outcome.deletes,
          outcome.bytes,
          Duration.ofNanos(nanoClock.getAsLong() - start).toMillis());
    } catch (Throwable e) {
      listener.failed(actions.size(), e);
      failure.compareAndSet(null, e);
    }
  }

  /**
   * Writes {@code actions} (distinct ids), transient errors retried per the policy (rethrown when
   * it gives up); when the store refuses them, isolates the refused ones into {@code outcome} and
   * writes the others.
   */
  private void writeIsolating(List<IndexAction> actions, BatchOutcome outcome)
      throws InterruptedException {
    RuntimeException error;
    try {
      retrier(actions.size()).run("write", () -> PendingWrites.apply(actions, store));
      outcome.written(actions);
      return;
    } catch (RuntimeException e) {
      error = e;
    }
    WriteFailures.Kind kind = WriteFailures.classify(error);
    if (deadLetters == null || kind == WriteFailures.Kind.TRANSIENT) {
      throw error;
    }
    var named = WriteFailures.rejectedRecord(error);
    if (named != null && actions.size() > 1) {
      for (int i = 0; i < actions.size(); i++) {
        if (actions.get(i).id().equals(named.id())) {
          outcome.refused(actions.get(i), error);
          List<IndexAction> rest = new ArrayList<>(actions);
          rest.remove(i);
          writeIsolating(rest, outcome);
          return;
        }
      }
    }
    if (actions.size() > 1) {
      int mid = actions.size() / 2;
      writeIsolating(actions.subList(0, mid), outcome);
      writeIsolating(actions.subList(mid, actions.size()), outcome);
      return;
    }
    for (int attempt = 2;
        kind == WriteFailures.Kind.UNKNOWN && attempt <= UNKNOWN_ERROR_ATTEMPTS;
        attempt++) {
      listener.retrying(1, error);
      sleeper.sleep(options.retry().backoff(attempt - 1));
      try {
        retrier(1).run("write", () -> PendingWrites.apply(actions, store));
        outcome.written(actions);
        return;
      } catch (RuntimeException e) {
        error = e;
        kind = WriteFailures.classify(e);
        if (kind == WriteFailures.Kind.TRANSIENT) {
          throw e;
        }
      }
    }
    outcome.refused(actions.get(0), error);
  }

  private Retrier retrier(int records) {
    return new Retrier(
        options.retry(),
        nanoClock,
        sleeper,
        (op, n, wait, error) -> listener.retrying(records, error));
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
      throw new IOException(
          "writing to vector store collection '" + store.spec().name() + "' failed: " + first,
          first);
    }
  }
}
