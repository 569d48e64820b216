package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.VectorRecord;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IndexBatcherTest {
  private static final RetryPolicy FAST_RETRY =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofSeconds(5));

  private final InMemoryStore store = new InMemoryStore();
  private final AtomicLong clock = new AtomicLong();
  private final Events events = new Events();
  private IndexBatcher batcher;

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  private IndexBatcher batcher(SinkOptions options) {
    batcher = new IndexBatcher(store, options, events, clock::get, d -> {});
    return batcher;
  }

  private static IndexAction up(String id, float x) {
    return IndexAction.upsert(new VectorRecord(id, new float[] {x, 1 - x}, "b", id, "cam", 1L, List.of(), "m"));
  }

  @Test
  void writesWhenTheBatchIsFullAndOnCheckpoint() throws Exception {
    IndexBatcher b = batcher(SinkOptions.of(3).withRetry(FAST_RETRY));
    b.add(up("a", 0));
    b.add(up("b", 0));
    b.add(up("a", 1)); // same id: still two pending
    assertThat(b.pending()).isEqualTo(2);
    b.add(IndexAction.delete("c"));
    b.checkpoint(); // waits for the batch written in the background
    assertThat(store.calls).containsExactly("delete [c]", "upsert [b, a]");
    assertThat(store.rows.get("a").vector()).containsExactly(1f, 0f);
    assertThat(store.persists).hasValue(1);
    assertThat(store.flushes).hasValue(0);

    b.add(up("d", 0));
    b.checkpoint();
    assertThat(store.calls).last().isEqualTo("upsert [d]");
    assertThat(events.sent.get()).isEqualTo(4);
    assertThat(events.deletes.get()).isEqualTo(1);
    assertThat(events.persisted.get()).isEqualTo(2);
  }

  @Test
  void writesWhenTheOldestPendingChangeIsOlderThanMaxDelay() throws Exception {
    IndexBatcher b = batcher(SinkOptions.of(100).withMaxDelay(Duration.ofMillis(200)));
    b.add(up("a", 0));
    clock.addAndGet(Duration.ofMillis(150).toNanos());
    b.add(up("b", 0));
    b.flushIfDue();
    assertThat(b.pending()).as("150 ms old: not due").isEqualTo(2);
    clock.addAndGet(Duration.ofMillis(50).toNanos());
    b.flushIfDue();
    assertThat(b.pending()).isZero();
    b.checkpoint();
    assertThat(store.calls).containsExactly("upsert [a, b]");
  }

  @Test
  void checkpointCanAskForVisibility() throws Exception {
    IndexBatcher b = batcher(SinkOptions.of(10).withVisibleOnCheckpoint(true));
    b.add(up("a", 0));
    b.checkpoint();
    assertThat(store.flushes).hasValue(1);
    assertThat(store.persists).hasValue(0);
  }

  @Test
  void transientFailuresAreRetriedAndNothingIsLost() throws Exception {
    AtomicInteger failures = new AtomicInteger(3);
    store.nextWriteFailure =
        () -> failures.getAndDecrement() > 0 ? new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE") : null;
    IndexBatcher b = batcher(SinkOptions.of(2).withRetry(FAST_RETRY));
    b.add(up("a", 0));
    b.add(up("b", 0));
    b.add(up("c", 0));
    b.checkpoint();

    assertThat(store.rows.keySet()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(events.retries.get()).isEqualTo(3);
    assertThat(events.failed.get()).isZero();
  }

  @Test
  void theFirstPermanentFailureIsRethrownOnEveryLaterCall() throws Exception {
    RuntimeException bad = new MilvusClientException(ErrorCode.INVALID_PARAMS, "field too long");
    store.nextWriteFailure = () -> bad;
    IndexBatcher b = batcher(SinkOptions.of(1).withRetry(FAST_RETRY));
    b.add(up("a", 0)); // submitted; fails in the background
    assertThatThrownBy(() -> { b.add(up("b", 0)); b.add(up("c", 0)); })
        .isInstanceOf(IOException.class)
        .hasCause(bad);
    store.nextWriteFailure = () -> new IllegalStateException("a later error");
    assertThatThrownBy(b::flushIfDue).isInstanceOf(IOException.class).hasCause(bad);
    assertThatThrownBy(b::checkpoint).isInstanceOf(IOException.class).hasCause(bad);
    assertThat(store.persists).as("a failed checkpoint does not claim durability").hasValue(0);
    assertThat(events.failed.get()).isEqualTo(1);
  }

  @Test
  void aFailingPersistFailsTheCheckpoint() throws Exception {
    InMemoryStore failingPersist =
        new InMemoryStore() {
          @Override
          public void persist() {
            throw new IllegalStateException("disk gone");
          }
        };
    batcher = new IndexBatcher(failingPersist, SinkOptions.of(5), events, clock::get, d -> {});
    batcher.add(up("a", 0));
    assertThatThrownBy(batcher::checkpoint).isInstanceOf(IOException.class).hasMessageContaining("disk gone");
  }

  @Test
  void aFullBatchBlocksWhileThePreviousOneIsStillBeingWritten() throws Exception {
    store.writeGate = new CountDownLatch(1);
    IndexBatcher b = batcher(SinkOptions.of(1));
    b.add(up("a", 0)); // in flight, blocked in the store
    CountDownLatch secondAdded = new CountDownLatch(1);
    Thread producer =
        new Thread(() -> {
          try {
            b.add(up("b", 0));
            secondAdded.countDown();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    producer.start();
    assertThat(secondAdded.await(300, TimeUnit.MILLISECONDS)).as("backpressure: add blocks").isFalse();
    store.writeGate.countDown();
    assertThat(secondAdded.await(5, TimeUnit.SECONDS)).isTrue();
    producer.join();
    b.checkpoint();
    assertThat(store.calls).containsExactly("upsert [a]", "upsert [b]");
  }

  @Test
  void closeClosesTheStore() {
    batcher(SinkOptions.of(1)).close();
    batcher = null;
    assertThat(store.closed).isTrue();
  }

  private static final class Events implements IndexBatcher.Listener {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger persisted = new AtomicInteger();

    @Override
    public void written(int upserts, int deleted, long bytes, long millis) {
      sent.addAndGet(upserts + deleted);
      deletes.addAndGet(deleted);
    }

    @Override
    public void retrying(int records, Throwable error) {
      retries.incrementAndGet();
    }

    @Override
    public void failed(int records, Throwable error) {
      failed.incrementAndGet();
    }

    @Override
    public void persisted(long millis) {
      persisted.incrementAndGet();
    }
  }
}
