package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Flink Sink V2 that applies {@link IndexAction}s to a {@link VectorStore}; the write path is
 * {@link IndexBatcher}: batches by size ({@link SinkOptions#maxBatch()}) and time ({@link
 * SinkOptions#maxDelay()}), one batch in flight on a background thread (backpressure: the task
 * blocks, nothing is dropped), transient errors retried with backoff, the first final failure
 * rethrown on the next write, timer or checkpoint; with {@link SinkDeadLetters}, a change the store
 * refuses is isolated and dead-lettered and the rest of its batch is written.
 *
 * <p>On every checkpoint ({@link SinkWriter#flush}) the pending changes are written and awaited,
 * then the store's {@link VectorStore#persist()} runs: a completed checkpoint means the store
 * durably holds every change before it. Upserts and deletes by deterministic id make the replay
 * after a restore idempotent (at-least-once delivery, exactly-once effect), provided changes to one
 * id arrive in order (key the stream by id).
 *
 * <p>Metrics (standard Sink V2 names): {@code numRecordsSend} (changes written, after
 * de-duplication per batch), {@code numBytesSend} (estimated), {@code numRecordsSendErrors}
 * (changes in failed attempts, retried or not), {@code currentSendTime} (ms of the last batch
 * write); plus {@code deletesSent}, {@code deadLetters}, {@code retries}, {@code batches}, {@code
 * checkpoints}, {@code lastCheckpointPersistMillis} and {@code pendingRecords}; and the histogram
 * {@code freshnessMs} (ms from the object store seeing an upload or delete to the checkpoint that
 * made it durable in the store, over the last {@value #FRESHNESS_WINDOW} changes; {@link
 * FreshnessSamples}).
 */
public final class VectorStoreSink implements Sink<IndexAction> {
  private static final long serialVersionUID = 2L;

  /** Changes the freshness histogram's quantiles are computed over (a sliding window). */
  public static final int FRESHNESS_WINDOW = 1_000;

  private final StoreSettings settings;
  private final SinkOptions options;
  private final SinkDeadLetters deadLetters;

  /** Batches of {@code maxBatch}, the other {@link SinkOptions} at their defaults. */
  public VectorStoreSink(StoreSettings settings, int maxBatch) {
    this(settings, SinkOptions.of(maxBatch));
  }

  /**
   * Without dead letters: a change the store refuses fails the job (as before dead letters
   * existed).
   */
  public VectorStoreSink(StoreSettings settings, SinkOptions options) {
    this(settings, options, null);
  }

  /**
   * Changes the store refuses for good are isolated and written to {@code deadLetters} (see {@link
   * IndexBatcher}); the rest of their batch is written and the job goes on. Null: a refusal fails
   * the job.
   */
  public VectorStoreSink(StoreSettings settings, SinkOptions options, SinkDeadLetters deadLetters) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.options = Objects.requireNonNull(options, "options");
    this.deadLetters = deadLetters;
  }

  /**
   * True for the embedded store: its directory takes one writer process (Lucene's write lock), so
   * the sink must run as one subtask on a cluster of several TaskManagers (within one JVM, subtasks
   * share the open store).
   */
  public boolean singleWriter() {
    return settings.kind() == StoreSettings.Kind.EMBEDDED;
  }

  @Override
  public SinkWriter<IndexAction> createWriter(WriterInitContext context) {
    VectorStore store = VectorStores.open(settings);
    try {
      store.ensureCollection();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    SinkDeadLetters.Writer letters;
    try {
      letters = deadLetters == null ? null : deadLetters.open();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    IndexBatcher batcher =
        new IndexBatcher(store, options, new MetricsListener(context.metricGroup()), letters);
    context.metricGroup().gauge("pendingRecords", batcher::pending);
    return new Writer(batcher, context.getProcessingTimeService(), options);
  }

  /**
   * The Flink side: forwards to the batcher and polls {@link IndexBatcher#flushIfDue()} on a
   * processing-time timer.
   */
  static final class Writer implements SinkWriter<IndexAction> {
    private final IndexBatcher batcher;
    private final ProcessingTimeService timers;
    private final long timerIntervalMillis;
    private boolean closed;

    Writer(IndexBatcher batcher, ProcessingTimeService timers, SinkOptions options) {
      this.batcher = batcher;
      this.timers = timers;
      this.timerIntervalMillis = Math.max(1, options.maxDelay().toMillis() / 2);
      if (!options.maxDelay().isZero()) {
        schedule();
      }
    }

    private void schedule() {
      timers.registerTimer(timers.getCurrentProcessingTime() + timerIntervalMillis, this::onTimer);
    }

    private void onTimer(long time) throws IOException, InterruptedException {
      if (closed) {
        return;
      }
      batcher.flushIfDue();
      schedule();
    }

    @Override
    public void write(IndexAction action, Context context)
        throws IOException, InterruptedException {
      batcher.add(action);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      batcher.checkpoint();
    }

    @Override
    public void close() {
      closed = true;
      batcher.close();
    }
  }

  /** Maps batcher events onto the sink's metric group. */
  private static final class MetricsListener implements IndexBatcher.Listener {
    private final Counter sent;
    private final Counter bytes;
    private final Counter errors;
    private final Counter deletes;
    private final Counter retries;
    private final Counter batches;
    private final Counter checkpoints;
    private final Counter deadLettered;
    private final AtomicLong sendTime = new AtomicLong();
    private final AtomicLong persistTime = new AtomicLong();
    private final Histogram freshness;

    MetricsListener(SinkWriterMetricGroup group) {
      sent = group.getNumRecordsSendCounter();
      bytes = group.getNumBytesSendCounter();
      errors = group.getNumRecordsSendErrorsCounter();
      deletes = group.counter("deletesSent");
      retries = group.counter("retries");
      batches = group.counter("batches");
      checkpoints = group.counter("checkpoints");
      deadLettered = group.counter("deadLetters");
      group.setCurrentSendTimeGauge(sendTime::get);
      group.gauge("lastCheckpointPersistMillis", persistTime::get);
      freshness =
          group.histogram("freshnessMs", new DescriptiveStatisticsHistogram(FRESHNESS_WINDOW));
    }

    @Override
    public void written(int upserts, int deleted, long size, long millis) {
      sent.inc(upserts + deleted);
      deletes.inc(deleted);
      bytes.inc(size);
      batches.inc();
      sendTime.set(millis);
    }

    @Override
    public void retrying(int records, Throwable error) {
      retries.inc();
      errors.inc(records);
    }

    @Override
    public void failed(int records, Throwable error) {
      errors.inc(records);
    }

    @Override
    public void deadLettered(String reason, Throwable error) {
      deadLettered.inc();
    }

    @Override
    public void persisted(long millis) {
      checkpoints.inc();
      persistTime.set(millis);
    }

    @Override
    public void visible(long ageMillis) {
      freshness.update(ageMillis);
    }
  }
}
