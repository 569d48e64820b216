package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * Flink Sink V2 that applies {@link IndexAction}s to a {@link VectorStore}. Writes are buffered (latest change per
 * id) and applied when {@code maxBatch} changes are pending and on every checkpoint ({@link SinkWriter#flush}), then
 * the store is flushed, so a completed checkpoint implies the index holds everything before it. Upserts by
 * deterministic id make replays after a failure idempotent (at-least-once delivery, exactly-once effect).
 */
public final class VectorStoreSink implements Sink<IndexAction> {
  private static final long serialVersionUID = 1L;

  private final StoreSettings settings;
  private final int maxBatch;

  public VectorStoreSink(StoreSettings settings, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be ≥ 1");
    }
    this.settings = settings;
    this.maxBatch = maxBatch;
  }

  @Override
  public SinkWriter<IndexAction> createWriter(WriterInitContext context) {
    VectorStore store = VectorStores.open(settings);
    store.ensureCollection();
    var group = context.metricGroup();
    return new Writer(store, maxBatch, group.getNumRecordsSendCounter(), group.counter("deletesSent"), group.counter("flushes"));
  }

  static final class Writer implements SinkWriter<IndexAction> {
    private final VectorStore store;
    private final int maxBatch;
    private final Counter sent;
    private final Counter deletes;
    private final Counter flushes;
    private final PendingWrites pending = new PendingWrites();

    Writer(VectorStore store, int maxBatch, Counter sent, Counter deletes, Counter flushes) {
      this.store = store;
      this.maxBatch = maxBatch;
      this.sent = sent;
      this.deletes = deletes;
      this.flushes = flushes;
    }

    @Override
    public void write(IndexAction action, Context context) {
      pending.add(action);
      (action.op() == IndexAction.Op.DELETE ? deletes : sent).inc();
      if (pending.size() >= maxBatch) {
        pending.applyTo(store);
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      pending.applyTo(store);
      store.flush();
      flushes.inc();
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }
}
