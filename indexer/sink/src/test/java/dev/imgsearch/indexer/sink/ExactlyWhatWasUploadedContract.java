package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "The index holds exactly what was uploaded": {@value #CHANGES} changes to {@value #IDS} image ids
 * — first uploads, re-uploads (updates), duplicates and deletes interleaved, some deletes of ids
 * never uploaded — flow through a Flink MiniCluster job (source parallelism 1 so the per-id order
 * is defined, keyed by id, sink parallelism 2, a checkpoint every 200 ms). The job fails at {@link
 * #FAIL_AT} (an exception in an operator, as a crashed task manager would) and restores from its
 * last completed checkpoint each time, replaying what came after it. Afterwards the store must hold
 * exactly the expected rows, each with the version of its last upsert: none lost, none duplicated,
 * no deleted id resurrected by a replay.
 */
public abstract class ExactlyWhatWasUploadedContract {
  private static final Logger LOG = LoggerFactory.getLogger(ExactlyWhatWasUploadedContract.class);
  protected static final int DIM = 8;
  static final int CHANGES = 1500;
  static final int IDS = 150;
  static final Set<Long> FAIL_AT = Set.of(350L, 700L, 1100L);

  /**
   * Per test run: failures already injected, records seen by the injecting operator (replays
   * included).
   */
  static final Map<String, Set<Long>> FAILED = new ConcurrentHashMap<>();

  static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();

  /** Per test run: planned failures not fired yet, and the changes the failures fired at. */
  static final Map<String, Set<Long>> PENDING = new ConcurrentHashMap<>();

  static final Map<String, List<Long>> FIRED = new ConcurrentHashMap<>();

  /**
   * Per test run: the first change each attempt of the job saw once a planned failure had fired (a
   * restore's resume point; 0 = replayed from the start).
   */
  static final Map<String, List<Long>> RESUMED_AT = new ConcurrentHashMap<>();

  /** Settings the sink opens, on a fresh collection {@code collection}. */
  protected abstract StoreSettings settings(String collection);

  /**
   * Every row in the collection as id → capturedAtMillis (the version written by the generator);
   * fails the test when an id occurs more than once.
   */
  protected abstract Map<String, Long> storedVersions(String collection);

  /**
   * Every stored object of the images as image id → the capture times of its objects, sorted (an
   * object inherits its image's capture time, the version that wrote it); images without objects
   * are absent.
   */
  protected abstract Map<String, List<Long>> storedObjects(String collection);

  protected void cleanUp(String collection) {}

  @Test
  void theIndexHoldsExactlyWhatWasUploadedAfterSeveralRestoresFromCheckpoints() throws Exception {
    String run =
        "exact_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    FAILED.put(run, ConcurrentHashMap.newKeySet());
    SEEN.put(run, new AtomicLong());
    PENDING.put(run, new java.util.concurrent.ConcurrentSkipListSet<>());
    FIRED.put(run, new java.util.concurrent.CopyOnWriteArrayList<>());
    RESUMED_AT.put(run, new java.util.concurrent.CopyOnWriteArrayList<>());
    try {
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
      env.enableCheckpointing(200);

      changesInto(
          env,
          CHANGES,
          400,
          new FailAt(run),
          new VectorStoreSink(
              settings(run), SinkOptions.of(25).withMaxDelay(Duration.ofMillis(100))));
      long start = System.nanoTime();
      env.execute("exactly-what-was-uploaded");
      long millis = (System.nanoTime() - start) / 1_000_000;

      Map<String, Long> expected = expected(CHANGES);
      Map<String, Long> stored = storedVersions(run);
      LOG.info(
          "{} changes, {} seen by the job with replays, failures fired at {}, restores resumed at {}, {} ms; expected {} rows, stored {}",
          CHANGES,
          SEEN.get(run).get(),
          FIRED.get(run),
          RESUMED_AT.get(run),
          millis,
          expected.size(),
          stored.size());

      assertThat(FAILED.get(run)).as("every failure was injected").isEqualTo(FAIL_AT);
      assertThat(SEEN.get(run).get())
          .as("restores replayed what followed a checkpoint")
          .isGreaterThan(CHANGES);
      // every restore after a planned failure resumed from a checkpoint past the start (a restart
      // for another reason, e.g. a slow store, may add replays but resumes from a checkpoint too)
      assertThat(RESUMED_AT.get(run))
          .as("restores resumed from a checkpoint, not from the start")
          .isNotEmpty()
          .allSatisfy(i -> assertThat(i).isPositive());
      assertThat(expected.size())
          .as("the scenario keeps some ids and deletes others")
          .isBetween(IDS / 4, IDS - 10);
      Set<String> lost = new java.util.TreeSet<>(expected.keySet());
      lost.removeAll(stored.keySet());
      Set<String> resurrected = new java.util.TreeSet<>(stored.keySet());
      resurrected.removeAll(expected.keySet());
      assertThat(lost).as("lost").isEmpty();
      assertThat(resurrected).as("resurrected or never uploaded").isEmpty();
      assertThat(stored).as("each row holds its last upload").isEqualTo(expected);
      assertThat(storedObjects(run))
          .as("each image holds the objects of its last upload, none of an older or deleted one")
          .isEqualTo(expectedObjects(expected));
    } finally {
      FAILED.remove(run);
      SEEN.remove(run);
      PENDING.remove(run);
      FIRED.remove(run);
      RESUMED_AT.remove(run);
      cleanUp(run);
    }
  }

  /**
   * Folds the first {@code changes} changes of the sequence: id → version of its last upsert, for
   * ids whose last change is an upsert.
   */
  static Map<String, Long> expected(long changes) {
    Map<String, Long> rows = new HashMap<>();
    for (long i = 0; i < changes; i++) {
      IndexAction a = change(i);
      if (a.op() == IndexAction.Op.DELETE) {
        rows.remove(a.id());
      } else {
        rows.put(a.id(), a.record().capturedAtMillis());
      }
    }
    return rows;
  }

  /**
   * The objects the last uploads leave: {@code version % 3} objects per image, each with the
   * image's version.
   */
  static Map<String, List<Long>> expectedObjects(Map<String, Long> expected) {
    Map<String, List<Long>> objects = new HashMap<>();
    expected.forEach(
        (id, version) -> {
          if (version % 3 > 0) {
            objects.put(id, java.util.Collections.nCopies((int) (version % 3), version));
          }
        });
    return objects;
  }

  /**
   * The pipeline of the exactly-once tests: {@code count} numbers at {@code perSecond}, each
   * through {@code tap}, turned into {@link #change}s (all at parallelism 1), keyed by id into
   * {@code sink}.
   */
  static void changesInto(
      StreamExecutionEnvironment env,
      long count,
      double perSecond,
      MapFunction<Long, Long> tap,
      VectorStoreSink sink) {
    DataGeneratorSource<Long> source =
        new DataGeneratorSource<>(
            i -> i, count, RateLimiterStrategy.perSecond(perSecond), Types.LONG);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "changes")
        .setParallelism(1)
        .map(tap)
        .setParallelism(1)
        .map(ExactlyWhatWasUploadedContract::change)
        .returns(TypeInformation.of(IndexAction.class))
        .setParallelism(1)
        .keyBy(IndexAction::id)
        .sinkTo(sink)
        .name("index");
  }

  /**
   * Change number {@code i}: an id drawn from {@value #IDS} (so ids recur: duplicates and updates),
   * a delete one time in four (some hit ids never uploaded), else an upsert whose capturedAt is
   * {@code i} (its version) and whose vector depends on {@code i}.
   */
  static IndexAction change(long i) {
    long h = mix(i);
    String id = "img-" + Math.floorMod(h, IDS);
    if (Math.floorMod(h >>> 20, 4) == 0) {
      return IndexAction.delete(id);
    }
    float[] v = new float[DIM];
    double norm = 0;
    for (int j = 0; j < DIM; j++) {
      v[j] = 1 + Math.floorMod(i * (j + 3) + j, 11);
      norm += v[j] * v[j];
    }
    for (int j = 0; j < DIM; j++) {
      v[j] /= (float) Math.sqrt(norm);
    }
    // i % 3 detected objects: an overwrite often has fewer objects than the version it replaces
    List<DetectedItem> objects = new java.util.ArrayList<>();
    for (int n = 0; n < i % 3; n++) {
      objects.add(
          new DetectedItem(
              DetectedItem.Kind.OBJECT,
              n,
              "person",
              0,
              0.5f,
              new float[] {0f, 0f, 1f, 1f},
              "det",
              v));
    }
    return IndexAction.upsert(
        new VectorRecord(
                id,
                v,
                "images",
                id + ".jpg",
                "cam-" + (i % 3),
                i,
                List.of("v" + (i % 5)),
                "test-model")
            .withItems(objects));
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return (x ^ (x >>> 33)) & Long.MAX_VALUE;
  }

  /**
   * Passes records through and fails the job once for each index of {@link #FAIL_AT} (per run): at
   * that record, or — when no checkpoint covering a record of the current attempt has completed yet
   * (a loaded machine can delay checkpoints past it) — at the first record after one has. So every
   * restore starts from a checkpoint later than the attempt's first record, never from the start,
   * however slow checkpoints are; while a failure waits, records pass at most 20 a second so the
   * stream cannot end before it fires. The change each failure fired at goes to {@link #FIRED}.
   */
  static final class FailAt
      implements MapFunction<Long, Long>, CheckpointedFunction, CheckpointListener {
    private final String run;
    private transient boolean seenAny;
    private transient boolean armed;
    private transient Map<Long, Boolean> snapshotsAfterARecord;

    FailAt(String run) {
      this.run = run;
    }

    @Override
    public Long map(Long i) throws InterruptedException {
      SEEN.get(run).incrementAndGet();
      if (!seenAny && !FIRED.get(run).isEmpty()) {
        RESUMED_AT.get(run).add(i);
      }
      seenAny = true;
      Set<Long> pending = PENDING.get(run);
      if (FAIL_AT.contains(i) && !FAILED.get(run).contains(i)) {
        pending.add(i);
      }
      if (armed && !pending.isEmpty()) {
        long planned = pending.iterator().next();
        pending.remove(planned);
        FAILED.get(run).add(planned);
        FIRED.get(run).add(i);
        throw new IllegalStateException(
            "injected failure at change " + i + " (planned at " + planned + ")");
      }
      if (!pending.isEmpty()) {
        Thread.sleep(50); // hold the stream back until a checkpoint completes, so the failure fires
      }
      return i;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
      snapshotsAfterARecord.put(context.getCheckpointId(), seenAny);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
      snapshotsAfterARecord = new HashMap<>();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (Boolean.TRUE.equals(snapshotsAfterARecord.remove(checkpointId))) {
        armed = true;
      }
    }
  }
}
