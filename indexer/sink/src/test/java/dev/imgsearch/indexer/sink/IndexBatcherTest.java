package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.RecordRejectedException;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.FieldLimits;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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
    return batcher(store, options, d -> {}, null, System::currentTimeMillis);
  }

  /** A batcher on the test clock, reporting to {@link #events}; closed after the test. */
  private IndexBatcher batcher(
      VectorStore s,
      SinkOptions options,
      Retrier.Sleeper sleeper,
      SinkDeadLetters.Writer letters,
      LongSupplier wallClock) {
    batcher = new IndexBatcher(s, options, events, clock::get, sleeper, letters, wallClock);
    return batcher;
  }

  private static IndexAction up(String id, float x) {
    return IndexAction.upsert(
        new VectorRecord(id, new float[] {x, 1 - x}, "b", id, "cam", 1L, List.of(), "m"));
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
  void reportsTheAgeOfEachChangeWrittenSinceTheLastCheckpointOnceItIsPersisted() throws Exception {
    AtomicLong wall = new AtomicLong(10_000);
    batcher(store, SinkOptions.of(2).withRetry(FAST_RETRY), d -> {}, null, wall::get);
    VectorRecord a = new VectorRecord("a", new float[] {0, 1}, "b", "a", "cam", 1L, List.of(), "m");
    batcher.add(IndexAction.upsert(a, 9_000));
    batcher.add(IndexAction.delete("b", 9_500)); // a full batch: written in the background now
    batcher.add(IndexAction.upsert(a.withPhash(1L), 0)); // no event time: not measured
    wall.set(12_000);
    assertThat(events.ages)
        .as("nothing is reported before the checkpoint made it durable")
        .isEmpty();
    batcher.checkpoint();
    assertThat(events.ages).containsExactlyInAnyOrder(3_000L, 2_500L);
    assertThat(store.persists).hasValue(1);

    batcher.checkpoint();
    assertThat(events.ages).as("each change is reported once").hasSize(2);

    store.nextWriteFailure = () -> new IllegalStateException("store broken");
    batcher.add(IndexAction.upsert(a, 11_000));
    assertThatThrownBy(batcher::checkpoint).isInstanceOf(IOException.class);
    assertThat(events.ages).as("a failed write is never reported as fresh").hasSize(2);
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
        () ->
            failures.getAndDecrement() > 0
                ? new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE")
                : null;
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
    assertThatThrownBy(
            () -> {
              b.add(up("b", 0));
              b.add(up("c", 0));
            })
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
    batcher(failingPersist, SinkOptions.of(5), d -> {}, null, System::currentTimeMillis);
    batcher.add(up("a", 0));
    assertThatThrownBy(batcher::checkpoint)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("disk gone");
  }

  @Test
  void aFullBatchBlocksWhileThePreviousOneIsStillBeingWritten() throws Exception {
    store.writeGate = new CountDownLatch(1);
    IndexBatcher b = batcher(SinkOptions.of(1));
    b.add(up("a", 0)); // in flight, blocked in the store
    CountDownLatch secondAdded = new CountDownLatch(1);
    Thread producer =
        new Thread(
            () -> {
              try {
                b.add(up("b", 0));
                secondAdded.countDown();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    producer.start();
    assertThat(secondAdded.await(300, TimeUnit.MILLISECONDS))
        .as("backpressure: add blocks")
        .isFalse();
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

  // ---- a poison record never halts the stream ----

  /**
   * Dead letters collected in memory; {@code flushes} counts {@link
   * SinkDeadLetters.Writer#flush()}.
   */
  static final class CollectedDeadLetters implements SinkDeadLetters.Writer {
    final List<String> letters =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final AtomicInteger flushes = new AtomicInteger();
    volatile IOException flushFailure;

    @Override
    public void write(IndexAction action, String reason, Throwable cause) {
      letters.add(action.id() + ":" + reason);
    }

    @Override
    public void flush() throws IOException {
      flushes.incrementAndGet();
      if (flushFailure != null) {
        throw flushFailure;
      }
    }

    @Override
    public void close() {}
  }

  private final CollectedDeadLetters deadLetters = new CollectedDeadLetters();

  /**
   * A store that refuses, as a whole call, any upsert holding a record tagged "poison" (as Milvus
   * does).
   */
  private static final class PoisonRefusingStore extends InMemoryStore {
    final java.util.function.Function<VectorRecord, RuntimeException> refusal;

    PoisonRefusingStore(java.util.function.Function<VectorRecord, RuntimeException> refusal) {
      this.refusal = refusal;
    }

    @Override
    public synchronized void upsert(List<VectorRecord> records) {
      for (VectorRecord r : records) {
        if (r.tags().contains("poison")) {
          calls.add("refused " + records.stream().map(VectorRecord::id).toList());
          throw refusal.apply(r);
        }
      }
      super.upsert(records);
    }
  }

  private static IndexAction poison(String id) {
    return IndexAction.upsert(
        new VectorRecord(id, new float[] {1, 0}, "b", id, "cam", 1L, List.of("poison"), "m"));
  }

  private IndexBatcher batcher(InMemoryStore s, SinkOptions options) {
    return batcher(s, options, d -> {}, deadLetters, System::currentTimeMillis);
  }

  @Test
  void aRecordTheStoreRefusesIsIsolatedAndDeadLetteredAndTheRestOfTheBatchIsWritten()
      throws Exception {
    PoisonRefusingStore s =
        new PoisonRefusingStore(r -> new IllegalArgumentException("the store says no"));
    IndexBatcher b = batcher(s, SinkOptions.of(100).withRetry(FAST_RETRY));
    for (int i = 0; i < 10; i++) {
      b.add(i == 6 ? poison("p") : up("r" + i, 0));
    }
    b.add(IndexAction.delete("gone"));
    b.checkpoint(); // does not throw: the job goes on

    assertThat(s.rows.keySet())
        .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5", "r7", "r8", "r9");
    assertThat(deadLetters.letters).containsExactly("p:" + WriteFailures.STORE_REJECTED);
    assertThat(deadLetters.flushes)
        .as("dead letters are durable before the checkpoint completes")
        .hasValue(1);
    assertThat(s.persists).hasValue(1);
    assertThat(events.sent.get()).isEqualTo(10);
    assertThat(events.retries.get()).as("a refusal is not retried").isZero();

    b.add(up("after", 0));
    b.checkpoint();
    assertThat(s.rows).containsKey("after");
  }

  @Test
  void aRecordTheStoreNamesIsSetAsideWithItsReasonWithoutBisecting() throws Exception {
    PoisonRefusingStore s =
        new PoisonRefusingStore(
            r -> new RecordRejectedException(r.id(), FieldLimits.REASON, "40 tags, at most 32"));
    IndexBatcher b = batcher(s, SinkOptions.of(100).withRetry(FAST_RETRY));
    for (int i = 0; i < 8; i++) {
      b.add(i == 3 ? poison("p") : up("r" + i, 0));
    }
    b.checkpoint();
    assertThat(deadLetters.letters).containsExactly("p:" + FieldLimits.REASON);
    assertThat(s.rows).hasSize(7);
    assertThat(s.calls.stream().filter(c -> c.startsWith("refused"))).hasSize(1);
  }

  @Test
  void anUnknownErrorOfOneRecordIsRetriedABoundedNumberOfTimesThenDeadLettered() throws Exception {
    PoisonRefusingStore s =
        new PoisonRefusingStore(r -> new IllegalStateException("something odd", new Exception()));
    IndexBatcher b = batcher(s, SinkOptions.of(100).withRetry(FAST_RETRY));
    b.add(up("a", 0));
    b.add(poison("p"));
    b.add(up("c", 0));
    b.checkpoint();
    assertThat(deadLetters.letters).containsExactly("p:" + WriteFailures.STORE_ERROR);
    assertThat(s.rows.keySet()).containsExactlyInAnyOrder("a", "c");
    assertThat(s.calls.stream().filter(c -> c.equals("refused [p]")))
        .as("attempts of the record alone")
        .hasSize(IndexBatcher.UNKNOWN_ERROR_ATTEMPTS);
  }

  @Test
  void anUnknownErrorOfEveryRecordIsTheStoresProblemAndFailsTheJobWithoutDeadLetters()
      throws Exception {
    store.nextWriteFailure = () -> new IllegalStateException("store broken", new Exception());
    IndexBatcher b = batcher(store, SinkOptions.of(100).withRetry(FAST_RETRY));
    b.add(up("a", 0));
    b.add(up("b", 0));
    b.add(up("c", 0));
    assertThatThrownBy(b::checkpoint)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("store broken");
    assertThat(deadLetters.letters).isEmpty();
    assertThat(store.persists).hasValue(0);
  }

  @Test
  void anOutageIsRetriedThenFailsTheJobAndNothingIsDeadLettered() throws Exception {
    store.nextWriteFailure = () -> new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE");
    RetryPolicy shortRetry =
        new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(3));
    IndexBatcher b =
        batcher(
            store,
            SinkOptions.of(100).withRetry(shortRetry),
            d -> clock.addAndGet(d.toNanos()),
            deadLetters,
            System::currentTimeMillis);
    b.add(up("a", 0));
    b.add(up("b", 0));
    assertThatThrownBy(b::checkpoint)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("UNAVAILABLE");
    assertThat(deadLetters.letters).isEmpty();
    assertThat(events.retries.get()).isPositive();
  }

  @Test
  void aDeadLetterThatCannotBeWrittenFailsTheCheckpoint() throws Exception {
    PoisonRefusingStore s = new PoisonRefusingStore(r -> new IllegalArgumentException("no"));
    IndexBatcher b = batcher(s, SinkOptions.of(100).withRetry(FAST_RETRY));
    deadLetters.flushFailure = new IOException("dead-letter topic unreachable");
    b.add(poison("p"));
    assertThatThrownBy(b::checkpoint)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unreachable");
    assertThat(s.persists).hasValue(0);
  }

  private static final class Events implements IndexBatcher.Listener {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger persisted = new AtomicInteger();
    final List<Long> ages = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void visible(long ageMillis) {
      ages.add(ageMillis);
    }

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
