package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.testing.UnitVectors;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The HNSW index of {@link WatchIndex} built off the matching thread. */
class WatchIndexBuildTest {
  static final String M = WatchIndexTest.M;
  static final int DIM = 8;

  /** Holds the builds handed to it until {@link #runAll}. */
  static final class ManualExecutor implements Executor {
    final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      queued.add(r);
    }

    void runAll() {
      for (Runnable r; (r = queued.poll()) != null; ) {
        r.run();
      }
    }
  }

  private static List<CompiledWatch> watches(int n) {
    Random rnd = new Random(11);
    List<CompiledWatch> ws = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ws.add(
          CompiledWatch.of(
              Watches.frames(String.format("w%03d", i), M, 0.99)
                  .setVector(WatchIndexTest.boxed(UnitVectors.random(rnd, DIM)))
                  .build()));
    }
    return ws;
  }

  private static List<String> matchedIds(WatchIndex index, float[] v) {
    return index.match(new WatchCandidate("img", "door", 0L, M, v, null)).stream()
        .map(m -> m.watch().id())
        .toList();
  }

  @Test
  void bruteForceUntilTheBackgroundBuildCompletesThenTheIndex() {
    ManualExecutor builds = new ManualExecutor();
    WatchIndex index = new WatchIndex(new MatchPath(100, 2), builds);
    List<CompiledWatch> ws = watches(100);
    ws.forEach(index::put);
    float[] v = ws.get(3).vector();
    for (int i = 0; i < 2; i++) {
      assertThat(matchedIds(index, v)).containsExactly("w003");
      assertThat(builds.queued).isEmpty(); // the group has not been quiet long enough
    }
    for (int i = 0; i < 3; i++) {
      assertThat(matchedIds(index, v)).containsExactly("w003"); // brute force meanwhile
      assertThat(builds.queued).hasSize(1); // one build, not one per match
      assertThat(index.annReady(M, DIM)).isFalse();
    }
    builds.runAll();
    assertThat(index.annReady(M, DIM)).isTrue();
    assertThat(matchedIds(index, v)).containsExactly("w003");
    assertThat(builds.queued).isEmpty();
  }

  @Test
  void aBuildForWatchesThatChangedMeanwhileIsDiscardedAndANewOneStartsOnceQuiet() {
    ManualExecutor builds = new ManualExecutor();
    WatchIndex index = new WatchIndex(new MatchPath(100, 2), builds);
    List<CompiledWatch> ws = watches(101);
    ws.subList(0, 100).forEach(index::put);
    float[] added = ws.get(100).vector();
    for (int i = 0; i < 3; i++) {
      assertThat(matchedIds(index, added)).isEmpty();
    }
    assertThat(builds.queued).hasSize(1);

    index.put(ws.get(100)); // the group changes while its build waits: it does nothing
    builds.runAll();
    assertThat(index.annReady(M, DIM)).isFalse();
    for (int i = 0; i < 2; i++) {
      assertThat(matchedIds(index, added)).containsExactly("w100"); // brute force: exact
      assertThat(builds.queued).isEmpty(); // quiet again for 2 matches first
    }
    assertThat(matchedIds(index, added)).containsExactly("w100");
    assertThat(builds.queued).hasSize(1);
    builds.runAll();
    assertThat(index.annReady(M, DIM)).isTrue();
    assertThat(matchedIds(index, added)).containsExactly("w100");
  }

  @Test
  void aChangeInAnotherGroupKeepsTheIndexAndItsBuild() {
    ManualExecutor builds = new ManualExecutor();
    WatchIndex index = new WatchIndex(new MatchPath(50, 0), builds);
    List<CompiledWatch> ws = watches(100);
    ws.forEach(index::put);
    float[] v = ws.get(5).vector();
    matchedIds(index, v);
    builds.runAll();
    assertThat(index.annReady(M, DIM)).isTrue();

    index.put(CompiledWatch.of(Watches.frames("other", "another-model", 0.5, 1f, 0f).build()));
    assertThat(matchedIds(index, v)).containsExactly("w005");
    assertThat(index.annReady(M, DIM)).isTrue(); // kept: no new build
    assertThat(builds.queued).isEmpty();

    index.remove("w099"); // a change in the group itself: brute force until rebuilt
    assertThat(matchedIds(index, v)).containsExactly("w005");
    assertThat(index.annReady(M, DIM)).isFalse();
    assertThat(builds.queued).hasSize(1);
  }

  @Test
  void aChangeAbandonsABuildInProgress() {
    List<CompiledWatch> ws = watches(100);
    PackedWatches p = PackedWatches.group(ws).get(PackedWatches.key(M, DIM));
    AtomicInteger rowsAdded = new AtomicInteger();
    float[] rows = new float[100 * DIM];
    for (int r = 0; r < 100; r++) {
      System.arraycopy(ws.get(r).vector(), 0, rows, r * DIM, DIM);
    }
    CompiledWatch[] arr = ws.toArray(new CompiledWatch[0]);
    assertThatThrownBy(() -> new AnnWatches(rows, DIM, arr, () -> rowsAdded.incrementAndGet() > 10))
        .isInstanceOf(CancellationException.class);
    assertThat(rowsAdded.get()).isEqualTo(11); // stopped at the next row, not at the end

    p.discard(); // a discarded group never gets its index
    assertThat(p.rowsToScore(ws.get(3).vector(), MatchPath.ANN, Runnable::run)).isNull();
    assertThat(p.annReady()).isFalse();
  }

  @Test
  void buildsOnAnotherThreadAndCloseStopsIt() throws InterruptedException {
    ExecutorService builds = Executors.newSingleThreadExecutor();
    WatchIndex index = new WatchIndex(MatchPath.ANN, builds);
    List<CompiledWatch> ws = watches(200);
    ws.forEach(index::put);
    float[] v = ws.get(7).vector();
    assertThat(matchedIds(index, v)).containsExactly("w007");
    builds.shutdown();
    assertThat(builds.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(index.annReady(M, DIM)).isTrue();
    assertThat(matchedIds(index, v)).containsExactly("w007");

    ExecutorService owned = Executors.newSingleThreadExecutor();
    WatchIndex closed = new WatchIndex(MatchPath.ANN, owned);
    ws.forEach(closed::put);
    closed.close();
    assertThat(owned.isShutdown()).isTrue();
    assertThat(matchedIds(closed, v)).containsExactly("w007"); // brute force after close
    assertThat(closed.annReady(M, DIM)).isFalse();
  }
}
