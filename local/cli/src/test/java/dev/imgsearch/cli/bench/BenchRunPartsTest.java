package dev.imgsearch.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of a bench run: image counts per phase, embedder options, the report and its
 * pass/fail decision.
 */
class BenchRunPartsTest {
  private static BenchOptions options(
      double rate,
      int seconds,
      int warmUpSeconds,
      Map<String, String> embedder,
      String consistency) {
    return new BenchOptions(
        "embedded",
        null,
        rate,
        seconds,
        300,
        16,
        Duration.ofMillis(20),
        false,
        consistency,
        warmUpSeconds,
        200,
        640,
        480,
        Duration.ofMillis(200),
        embedder,
        Path.of("data"),
        null,
        0);
  }

  @Test
  void everyPhaseGetsItsOwnImages() {
    BenchOptions o = options(20, 30, 10, Map.of(), null);
    assertThat(o.freshCount()).isEqualTo(600);
    assertThat(o.warmPacedCount()).isEqualTo(200);
    assertThat(o.warmCount()).isEqualTo(BenchOptions.WARM_UP_IMAGES + 200);
    assertThat(o.imageCount()).isEqualTo(20 + 200 + 600 + 300 + 200);
    assertThat(options(2.5, 3, 0, Map.of(), null).freshCount())
        .isEqualTo(8); // rounded, not truncated

    BenchContext ctx = new BenchContext(o, null, null);
    assertThat(ctx.take(20)).isZero();
    assertThat(ctx.take(5)).isEqualTo(20);
    assertThat(ctx.take(1)).isEqualTo(25);
  }

  @Test
  void embedderOverridesKeepTheGivenOrderThenCheckpointAndConsistency() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("sink.batch", "64");
    given.put("batch.max-delay", "PT0.02S");
    assertThat(options(1, 1, 0, given, null).embedderOverrides())
        .containsExactly(
            Map.entry("sink.batch", "64"),
            Map.entry("batch.max-delay", "PT0.02S"),
            Map.entry("checkpoint.interval", "PT0.2S"));
    assertThat(options(1, 1, 0, Map.of(), "SESSION").embedderOverrides())
        .containsExactly(
            Map.entry("checkpoint.interval", "PT0.2S"), Map.entry("milvus.consistency", "SESSION"));
    assertThat(options(1, 1, 0, given, null).startsMilvus()).isFalse();
  }

  @Test
  void objectKeysArePerPhaseAndImage() {
    assertThat(BenchUploads.key("warm", 7)).isEqualTo("bench/warm-000007.jpg");
    assertThat(BenchUploads.key("burst", 123456)).isEqualTo("bench/burst-123456.jpg");
  }

  @Test
  void queriesAreNearButNotAtAStoredUnitVector() {
    float[] v = {0.6f, 0.8f, 0, 0};
    float[] q = QueryPhase.perturbed(v, new SplittableRandom(42));
    double norm = 0;
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      norm += q[i] * q[i];
      dot += q[i] * v[i];
    }
    assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    assertThat(dot).isBetween(0.95, 0.99999);
    assertThat(QueryPhase.perturbed(v, new SplittableRandom(42))).isEqualTo(q);
  }

  @Test
  void aRunPassesOnlyWhenEveryImageWasSearchableAndNoCheckFailed() {
    assertThat(report(true, true, 0).ok()).isTrue();
    assertThat(report(false, true, 0).ok()).isFalse();
    assertThat(report(true, false, 0).ok()).isFalse();
    assertThat(report(true, true, 1).ok()).isFalse();
  }

  @Test
  void theTableReportsEveryPhase() {
    String md = report(true, false, 3).table().markdown();
    assertThat(md)
        .contains("| freshness: offered rate ")
        .contains("19.8 images/s × 600 |")
        .contains("| freshness: not searchable after 2 min ")
        .contains("| ingest throughput (burst of 300) ")
        .contains("42.0 images/s |")
        .contains("| burst: not searchable after 5 min ")
        .contains("| recall@10 vs exact (1100 vectors) ")
        .contains("0.975 |")
        .contains("| freshness checks (batched searches) / errors ")
        .contains("512 / 3 |")
        .contains("embedded, checkpoint PT0.2S, {sink.batch=64}")
        .contains("n/a (not launched by the bench)");
    assertThat(md.lines().count()).isEqualTo(2 + 28);
  }

  @Test
  void theTableShowsCpuPerImageNextToThePlansFigureForTheSetting() {
    String md = report(true, true, 0).table().markdown();
    assertThat(row(md, "burst CPU: pipeline JVM (+ bench client) / S3 server / Milvus"))
        .isEqualTo("12.0 s / 0.6 s / n/a (1.68 cores busy)");
    assertThat(row(md, "burst CPU: of which JIT compiler threads")).isEqualTo("3.0 s");
    // 12.6 s of CPU for 300 images, 9.6 s without the JIT compiler
    assertThat(row(md, "CPU per image (burst, all processes above)"))
        .isEqualTo("42.0 core-ms = 23.8 images/s per core");
    assertThat(row(md, "CPU per image without the JIT compiler (steady state)"))
        .isEqualTo("32.0 core-ms = 31.3 images/s per core");
    assertThat(row(md, "imgsearch plan's figure for this setting"))
        .isEqualTo(
            plansFigure()
                + " for the job alone; this run measured the whole stack in one JVM: run with --cluster to"
                + " compare");
  }

  @Test
  void withTheJobInItsOwnProcessesThePlansFigureIsComparedWithTheJobsCpu() {
    // CLI JVM + Kafka nodes + query API 6 s, job 9 s of which 1.5 s JIT, S3 0.6 s, JIT 3 s in all
    CpuCost cluster =
        new CpuCost(
            300,
            7.5,
            6_000_000_000L,
            9_000_000_000L,
            600_000_000L,
            -1,
            3_000_000_000L,
            1_500_000_000L);
    String md = report(true, true, 0, null, cluster).table().markdown();
    assertThat(
            row(
                md,
                "burst CPU: CLI JVM (ingest-stream, bench client) + Kafka nodes + query API / Flink job (JM + TMs) / S3 server / Milvus"))
        .isEqualTo("6.0 s / 9.0 s / 0.6 s / n/a (2.08 cores busy)");
    assertThat(row(md, "Flink job's processes per image without the JIT (steady state)"))
        .isEqualTo("25.0 core-ms = 40.0 images/s per core");
    double plan = dev.imgsearch.cli.plan.CapacityModel.JOB_CORE_MS_AT_03_MP;
    assertThat(row(md, "imgsearch plan's figure for this setting"))
        .isEqualTo(
            plansFigure()
                + String.format(
                    java.util.Locale.ROOT, "; the job's processes / plan %.2f", 25.0 / plan));
  }

  @Test
  void withWatchesTheTableComparesAlertAndFreshnessLatencyAndMissingAlertsFailTheRun() {
    WatchAlerts.Result all =
        new WatchAlerts.Result(1000, 600, 0, 2, Percentiles.of(List.of(150.0, 250.0, 450.0)));
    String md = report(true, true, 0, all).table().markdown();
    assertThat(row(md, "watches: active (matching every image)")).isEqualTo("1000 (1)");
    assertThat(row(md, "upload→alert on the SSE stream p99")).isEqualTo("450 ms");
    assertThat(row(md, "upload→alert p99 − upload→searchable p99")).isEqualTo("+150 ms");
    assertThat(row(md, "alerts: images / no alert after 2 min / repeated"))
        .isEqualTo("600 / 0 / 2");
    assertThat(report(true, true, 0, all).ok()).isTrue();
    WatchAlerts.Result lost =
        new WatchAlerts.Result(1000, 600, 1, 0, Percentiles.of(List.of(150.0)));
    assertThat(report(true, true, 0, lost).ok()).isFalse();
  }

  /** The value of the table row {@code label}. */
  /** The plan's per-core figure for 0.3 MP as the table's row begins with it. */
  private static String plansFigure() {
    double plan = dev.imgsearch.cli.plan.CapacityModel.JOB_CORE_MS_AT_03_MP;
    return String.format(
        java.util.Locale.ROOT,
        "%.1f core-ms = %.1f images/s per core (JOB_CORE_MS_AT_03_MP)",
        plan,
        1000 / plan);
  }

  private static String row(String md, String label) {
    return md.lines()
        .map(l -> l.split("\\|"))
        .filter(cells -> cells.length > 2 && cells[1].trim().equals(label))
        .map(cells -> cells[2].trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + label + " in\n" + md));
  }

  private static BenchReport report(boolean freshAll, boolean burstAll, long errors) {
    return report(freshAll, burstAll, errors, null);
  }

  private static BenchReport report(
      boolean freshAll, boolean burstAll, long errors, WatchAlerts.Result alerts) {
    // one JVM: 12 s of CPU in it (3 s JIT), 0.6 s in the S3 server
    return report(
        freshAll,
        burstAll,
        errors,
        alerts,
        new CpuCost(300, 7.5, 12_000_000_000L, -1, 600_000_000L, -1, 3_000_000_000L, -1));
  }

  private static BenchReport report(
      boolean freshAll, boolean burstAll, long errors, WatchAlerts.Result alerts, CpuCost cpu) {
    BenchOptions o = options(20, 30, 10, Map.of("sink.batch", "64"), null);
    Percentiles ms = Percentiles.of(List.of(100.0, 200.0, 300.0));
    var freshness =
        new FreshnessPhase.Result(19.8, 600, freshAll, freshAll ? 0 : 2, ms, ms, alerts);
    var throughput =
        new ThroughputPhase.Result(
            300, 16, burstAll, burstAll ? 0 : 5, 42.0, 150.0, 200, 250, 4.5, ms, cpu);
    var queries = new QueryPhase.Result(ms, ms, 0.975, 1100);
    var memory = new MemoryReport(-1, OptionalLong.empty(), MemoryReport.milvusPeak(null));
    return new BenchReport(
        o, "embedded", 100_000, freshness, throughput, queries, memory, 512, errors);
  }
}
