package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.local.servers.MilvusServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #6: "Milvus stopped for 30 s mid-stream → the job stalls, then catches up, nothing lost". A
 * MiniCluster job streams {@value #CHANGES} upserts and deletes of {@value
 * ExactlyWhatWasUploadedContract#IDS} ids (the generator of {@link ExactlyWhatWasUploadedContract})
 * at {@value #RATE}/s through {@link VectorStoreSink} into the real Milvus, with a checkpoint every
 * 500 ms. Once the sink has written {@value #WRITTEN_BEFORE_STOP} changes, Milvus is stopped
 * (SIGTERM, SIGKILL after a 10 s grace period, as an orchestrator does) and started again on the
 * same ports 30 s after the stop began. The sink's {@code numRecordsSend} must not move while
 * Milvus is down, its {@code retries} must count the failed attempts, the job must finish, and
 * Milvus must then hold exactly the expected rows with their last version: 0 lost, 0 duplicated, 0
 * resurrected. Counters come from the sink's Flink metrics (a reporter in this test).
 */
class MilvusOutageIT {
  /** Dead letters the sink wrote (the MiniCluster runs in this JVM). */
  static final java.util.Queue<String> DEAD_LETTERS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Collects dead letters into {@link #DEAD_LETTERS}. */
  static final class CollectedDeadLetters implements SinkDeadLetters {
    private static final long serialVersionUID = 1L;

    @Override
    public Writer open() {
      return new Writer() {
        @Override
        public void write(IndexAction action, String reason, Throwable cause) {
          DEAD_LETTERS.add(action.id() + ":" + reason + ":" + cause);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
    }
  }

  static final int CHANGES = 2000;
  static final int RATE = 40;
  static final int WRITTEN_BEFORE_STOP = 300;
  static final Duration OUTAGE = Duration.ofSeconds(30);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** Per run: records the source emitted (replays included), and sink subtask (re)starts. */
  static final Map<String, AtomicLong> EMITTED = new ConcurrentHashMap<>();

  @RegisterExtension static final MilvusForClass MILVUS = new MilvusForClass();

  @Test
  void milvusStoppedThirtySecondsMidStreamStallsTheSinkThenEverythingArrivesOnce()
      throws Exception {
    MilvusServer server = MILVUS.server();
    assumeTrue(
        server.launched(), "the server at " + MilvusServer.URI_ENV + " is not stopped by tests");
    String run =
        "outage_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    EMITTED.put(run, new AtomicLong());
    SinkMetrics.reset();
    try {
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 30);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
      conf.setString("metrics.reporter.outage.factory.class", SinkMetrics.Factory.class.getName());
      // small network buffers (4 KB, not 32 KB), so the stalled sink backpressures the source
      // within seconds
      conf.setString("taskmanager.memory.segment-size", "4kb");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
      env.enableCheckpointing(500);

      ExactlyWhatWasUploadedContract.changesInto(
          env,
          CHANGES,
          RATE,
          new CountEmitted(run),
          new VectorStoreSink(
              MILVUS.strong(run, ExactlyWhatWasUploadedContract.DIM),
              SinkOptions.of(25).withMaxDelay(Duration.ofMillis(100)),
              new CollectedDeadLetters())); // as the embedder job wires it: an outage must not
      // dead-letter

      long t0 = System.nanoTime();
      JobClient job = SinkMetrics.withFactoryVisible(() -> env.executeAsync("milvus-outage"));
      awaitAtLeast(
          SinkMetrics::sent, WRITTEN_BEFORE_STOP, Duration.ofMinutes(2), "written before the stop");

      long stopAt = System.nanoTime();
      long sentAtStop = SinkMetrics.sent();
      long emittedAtStop = EMITTED.get(run).get();
      long retriesAtStop = SinkMetrics.retries();
      Duration stopTook = server.stop(STOP_GRACE);
      Thread.sleep(1_000);
      long sentWhenDown = SinkMetrics.sent();
      sleepUntil(stopAt + OUTAGE.toNanos());
      long sentBeforeRestart = SinkMetrics.sent();
      long emittedBeforeRestart = EMITTED.get(run).get();
      long retriesWhileDown = SinkMetrics.retries() - retriesAtStop;

      long restartAt = System.nanoTime();
      server.restart();
      long healthyAt = System.nanoTime();
      awaitAtLeast(
          SinkMetrics::sent,
          sentBeforeRestart + 1,
          Duration.ofMinutes(2),
          "a write after the restart");
      long firstWriteAt = System.nanoTime();

      job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
      long doneAt = System.nanoTime();

      Map<String, Long> expected = ExactlyWhatWasUploadedContract.expected(CHANGES);
      // a restarted server reloads the collection's segments in the background: a Strong read may
      // see fewer rows until it has; wait (bounded) for the index to settle before judging it
      Map<String, Long> stored = MilvusExactlyOnceIT.storedVersions(server.uri(), run);
      long settleDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!stored.equals(expected) && System.nanoTime() < settleDeadline) {
        Thread.sleep(1000);
        stored = MilvusExactlyOnceIT.storedVersions(server.uri(), run);
      }
      Set<String> lost = new TreeSet<>(expected.keySet());
      lost.removeAll(stored.keySet());
      Set<String> resurrected = new TreeSet<>(stored.keySet());
      resurrected.removeAll(expected.keySet());
      long restarts = SinkMetrics.jobRestarts();
      System.out.printf(
          "FAULT milvus-stop (indexer): %d changes at %d/s; Milvus stopped after %d written (%d emitted), stop took %.1f s"
              + " (SIGTERM, %d s grace), down %.0f s; written while down %d (at stop+1 s %d, before restart %d);"
              + " source emitted %d while down; sink retries %d while down (%d in total); restart on the same URI %s took"
              + " %.1f s; first write %.1f s after healthy; job finished %.1f s after healthy (%.1f s in total);"
              + " job restarts %d; %d records emitted with replays; expected %d rows, stored %d: lost %d,"
              + " resurrected %d, stale %d%n",
          CHANGES,
          RATE,
          sentAtStop,
          emittedAtStop,
          stopTook.toMillis() / 1e3,
          STOP_GRACE.toSeconds(),
          (restartAt - stopAt) / 1e9,
          sentBeforeRestart - sentWhenDown,
          sentWhenDown,
          sentBeforeRestart,
          emittedBeforeRestart - emittedAtStop,
          retriesWhileDown,
          SinkMetrics.retries(),
          server.uri(),
          (healthyAt - restartAt) / 1e9,
          (firstWriteAt - healthyAt) / 1e9,
          (doneAt - healthyAt) / 1e9,
          (doneAt - t0) / 1e9,
          restarts,
          EMITTED.get(run).get(),
          expected.size(),
          stored.size(),
          lost.size(),
          resurrected.size(),
          stale(expected, stored));

      assertThat(sentBeforeRestart)
          .as("nothing is written while Milvus is down")
          .isEqualTo(sentWhenDown);
      // how the stalled sink meets the outage depends on timing: it counts retries, the job
      // restarts, or it sits in one long client call (the SDK's own connection retries; seen in CI
      // once the item collections' presence is remembered and no hasCollection RPC fails first).
      // Printed above, not asserted; what must hold is that the sink stalled (nothing written while
      // down, the source slowed by backpressure) and nothing was dead-lettered or lost.
      assertThat(emittedBeforeRestart - emittedAtStop)
          .as("backpressure slows the source while the sink is stalled")
          .isLessThan(RATE * OUTAGE.toSeconds() / 2);
      assertThat(DEAD_LETTERS).as("an outage dead-letters nothing").isEmpty();
      assertThat(lost).as("lost").isEmpty();
      assertThat(resurrected).as("resurrected or never uploaded").isEmpty();
      assertThat(stored).as("each row holds its last upload").isEqualTo(expected);
    } finally {
      EMITTED.remove(run);
      if (server.running()) {
        MilvusForClass.dropCollections(server.uri(), 8, run);
      }
    }
  }

  private static long stale(Map<String, Long> expected, Map<String, Long> stored) {
    return expected.entrySet().stream()
        .filter(e -> stored.containsKey(e.getKey()) && !stored.get(e.getKey()).equals(e.getValue()))
        .count();
  }

  private static void awaitAtLeast(LongSupplier value, long target, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (value.getAsLong() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + ": " + value.getAsLong() + " < " + target + " after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  /** Counts what the source emitted, replays after a restore included. */
  static final class CountEmitted implements MapFunction<Long, Long> {
    private final String run;

    CountEmitted(String run) {
      this.run = run;
    }

    @Override
    public Long map(Long i) {
      EMITTED.get(run).incrementAndGet();
      return i;
    }
  }

  /**
   * A metric reporter that keeps the sink's {@code numRecordsSend} and {@code retries} counters and
   * the job's {@code numRestarts} gauge; counters of closed subtasks (after a job restart) are
   * added to a running total.
   */
  public static final class SinkMetrics implements MetricReporter {
    private static final Map<Counter, String> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<Gauge<?>, String> RESTARTS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> RETIRED = new ConcurrentHashMap<>();

    static void reset() {
      COUNTERS.clear();
      RESTARTS.clear();
      RETIRED.clear();
    }

    static long sent() {
      return total("numRecordsSend");
    }

    static long retries() {
      return total("retries");
    }

    static long jobRestarts() {
      return RESTARTS.keySet().stream()
          .mapToLong(g -> g.getValue() instanceof Number n ? n.longValue() : 0)
          .max()
          .orElse(-1);
    }

    private static long total(String name) {
      long live =
          COUNTERS.entrySet().stream()
              .filter(e -> e.getValue().equals(name))
              .mapToLong(e -> e.getKey().getCount())
              .sum();
      return live + RETIRED.computeIfAbsent(name, n -> new AtomicLong()).get();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
      if (metric instanceof Counter c
          && (name.equals("numRecordsSend") || name.equals("retries"))) {
        COUNTERS.put(c, name);
      } else if (metric instanceof Gauge<?> g && name.equals("numRestarts")) {
        RESTARTS.put(g, name);
      }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
      if (metric instanceof Counter c && COUNTERS.remove(c) != null) {
        RETIRED.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(c.getCount());
      }
    }

    /**
     * Runs {@code start} (which starts the MiniCluster) with a context class loader that lists
     * {@link Factory} as a {@link MetricReporterFactory} service: Flink finds reporter factories
     * through the {@link java.util.ServiceLoader}.
     */
    static <T> T withFactoryVisible(Callable<T> start) throws Exception {
      Path dir = Files.createTempDirectory("outage-reporter");
      Path services = dir.resolve("META-INF/services/" + MetricReporterFactory.class.getName());
      Files.createDirectories(services.getParent());
      Files.writeString(services, Factory.class.getName() + "\n");
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      // not closed: the MiniCluster may look up services through it while it runs
      URLClassLoader loader =
          new URLClassLoader(new URL[] {dir.toUri().toURL()}, SinkMetrics.class.getClassLoader());
      try {
        thread.setContextClassLoader(loader);
        return start.call();
      } finally {
        thread.setContextClassLoader(previous);
      }
    }

    /** Named in the test's configuration ({@code metrics.reporter.outage.factory.class}). */
    public static final class Factory implements MetricReporterFactory {
      @Override
      public MetricReporter createMetricReporter(Properties properties) {
        return new SinkMetrics();
      }
    }
  }
}
