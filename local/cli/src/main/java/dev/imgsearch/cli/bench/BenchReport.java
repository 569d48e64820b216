package dev.imgsearch.cli.bench;

import dev.imgsearch.cli.plan.PlanFigures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * The result of a bench run: the table of every phase's figures, printed and optionally appended to
 * a markdown file, and whether the run passed its sanity checks (every image searchable in time, no
 * failed freshness check).
 *
 * @param store the vector store and its settings, as the first row shows them
 * @param meanImageBytes the mean size of the generated JPEGs
 * @param checks freshness checks (batched searches or lookups) run
 * @param checkErrors freshness checks that failed
 */
public record BenchReport(
    BenchOptions options,
    String store,
    long meanImageBytes,
    FreshnessPhase.Result freshness,
    ThroughputPhase.Result throughput,
    QueryPhase.Result queries,
    MemoryReport memory,
    long checks,
    long checkErrors) {
  /** Exit code of a run that measured everything but failed a sanity check. */
  public static final int FAILED_CHECKS = 2;

  /**
   * Every uploaded image became searchable in time, no freshness check failed and, with watches,
   * every image of the freshness phase raised its alert on the stream.
   */
  public boolean ok() {
    return freshness.allSearchable()
        && throughput.allSearchable()
        && checkErrors == 0
        && (freshness.alerts() == null || freshness.alerts().ok());
  }

  /**
   * Prints the table, appends it to {@code markdown} when set; returns 0 when {@link #ok()}, else
   * {@link #FAILED_CHECKS}.
   */
  public int print(Path markdown) throws IOException {
    String md = table().markdown();
    System.out.println();
    System.out.println(md);
    if (markdown != null) {
      appendMeasured(markdown, md);
    }
    return ok() ? 0 : FAILED_CHECKS;
  }

  /** Appends {@code md} to {@code markdown} after a line with the date, load average and cores. */
  public static void appendMeasured(Path markdown, String md) throws IOException {
    String block =
        "Measured "
            + Instant.now()
            + " (load average "
            + loadAverage()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores).\n\n"
            + md
            + "\n";
    Files.writeString(markdown, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  ResultTable table() {
    ResultTable table = new ResultTable();
    settingsRows(table);
    freshnessRows(table);
    alertRows(table);
    throughputRows(table);
    cpuRows(table);
    queryRows(table);
    return table
        .add("peak RSS: pipeline JVM (+ bench client)", memory.pipeline())
        .add("peak RSS: S3 server JVM", memory.s3())
        .add("peak RSS: Milvus processes", memory.milvus())
        .add("freshness checks (batched searches) / errors", checks + " / " + checkErrors);
  }

  private void settingsRows(ResultTable table) {
    table
        .add(
            "store / settings",
            store
                + ", checkpoint "
                + options.checkpointInterval()
                + (options.embedderOptions().isEmpty() ? "" : ", " + options.embedderOptions()))
        .add(
            "warm-up (not measured)",
            String.format(
                Locale.ROOT,
                "%d images + %d s at the rate",
                BenchOptions.WARM_UP_IMAGES,
                options.warmUpSeconds()))
        .add(
            "images",
            String.format(
                Locale.ROOT,
                "%d×%d JPEG, mean %,d bytes",
                options.width(),
                options.height(),
                meanImageBytes));
  }

  private void freshnessRows(ResultTable table) {
    Percentiles fresh = freshness.latency();
    Percentiles sweeps = freshness.sweeps();
    table
        .add(
            "freshness: offered rate",
            String.format(
                Locale.ROOT, "%.1f images/s × %d", freshness.offeredRate(), freshness.uploaded()))
        .add("upload→searchable p50", Percentiles.ms(fresh.percentile(50)))
        .add("upload→searchable p95", Percentiles.ms(fresh.percentile(95)))
        .add("upload→searchable p99", Percentiles.ms(fresh.percentile(99)))
        .add("upload→searchable max", Percentiles.ms(fresh.max()))
        .add("freshness: not searchable after 2 min", Integer.toString(freshness.missing()))
        .add(
            "freshness check",
            options.lookupCheck()
                ? "concurrent GET /v1/images/{id} per sweep"
                : "filtered search per ≤ 64 pending per sweep")
        .add(
            "freshness check: sweep interval + sweep p50 / p99 (resolution)",
            String.format(
                Locale.ROOT,
                "%s + %s / %s",
                Percentiles.ms(options.sweepInterval().toNanos() / 1e6),
                Percentiles.ms(sweeps.percentile(50)),
                Percentiles.ms(sweeps.percentile(99))));
  }

  private void alertRows(ResultTable table) {
    WatchAlerts.Result a = freshness.alerts();
    if (a == null) {
      return;
    }
    if (a.missing() == a.images()) {
      table.add("upload→alert on the SSE stream", "no alert arrived (" + a.watches() + " watches)");
      return;
    }
    table
        .add("watches: active (matching every image)", a.watches() + " (1)")
        .add("upload→alert on the SSE stream p50", Percentiles.ms(a.latency().percentile(50)))
        .add("upload→alert on the SSE stream p99", Percentiles.ms(a.latency().percentile(99)))
        .add("upload→alert on the SSE stream max", Percentiles.ms(a.latency().max()))
        .add(
            "upload→alert p99 − upload→searchable p99",
            String.format(
                Locale.ROOT,
                "%+,.0f ms",
                a.latency().percentile(99) - freshness.latency().percentile(99)))
        .add(
            "alerts: images / no alert after 2 min / repeated",
            a.images() + " / " + a.missing() + " / " + a.copies());
  }

  private void throughputRows(ResultTable table) {
    ThroughputPhase.Result t = throughput;
    table
        .add(
            "ingest throughput (burst of " + t.burst() + ")",
            String.format(Locale.ROOT, "%.1f images/s", t.throughput()))
        .add(
            "burst: upload rate (" + t.clients() + " clients) / ratio to throughput",
            String.format(
                Locale.ROOT,
                "%.1f images/s / %.1f×",
                t.uploadRate(),
                t.uploadRate() / t.throughput()))
        .add(
            "burst: backlog when uploads ended (peak) → drained after",
            String.format(
                Locale.ROOT,
                "%d (%d) → %.1f s",
                t.backlogAtUploadEnd(),
                t.peakBacklog(),
                t.drainSeconds()))
        .add("burst upload→searchable p50 / p99", t.latency().msAt(50, 99))
        .add("burst: not searchable after 5 min", Integer.toString(t.missing()));
  }

  /**
   * CPU per image of the burst and, next to it, the figure {@code imgsearch plan} uses for the same
   * setting ({@link PlanFigures}).
   */
  private void cpuRows(ResultTable table) {
    CpuCost cpu = throughput.cpu();
    PlanFigures.Figure plan =
        PlanFigures.forSetting(options.width(), options.height(), options.embedderOverrides());
    table
        .add(
            "burst CPU: " + cpu.processNames(),
            cpu.perProcess() + String.format(Locale.ROOT, " (%.2f cores busy)", cpu.coresBusy()))
        .add("burst CPU: of which JIT compiler threads", cpu.jit())
        .add("CPU per image (burst, all processes above)", perImage(cpu.coreMsPerImage()))
        .add(
            "CPU per image without the JIT compiler (steady state)",
            perImage(cpu.steadyCoreMsPerImage()));
    if (cpu.jobApart()) {
      table.add(
          "Flink job's processes per image without the JIT (steady state)",
          perImage(cpu.jobSteadyCoreMsPerImage()));
    }
    table.add("imgsearch plan's figure for this setting", planComparison(cpu, plan));
  }

  /**
   * The plan's figure and its ratio to what was measured: the job's own processes with {@code
   * --cluster}, the plan's figure is the job's; without, only the whole stack is known.
   */
  static String planComparison(CpuCost cpu, PlanFigures.Figure plan) {
    if (!plan.applies()) {
      return plan.basis();
    }
    return cpu.jobApart()
        ? String.format(
            Locale.ROOT,
            "%s (%s); the job's processes / plan %.2f",
            perImage(plan.coreMs()),
            plan.basis(),
            cpu.jobSteadyCoreMsPerImage() / plan.coreMs())
        : String.format(
            Locale.ROOT,
            "%s (%s) for the job alone; this run measured the whole stack in one JVM: run with --cluster to compare",
            perImage(plan.coreMs()),
            plan.basis());
  }

  private static String perImage(double coreMs) {
    return String.format(
        Locale.ROOT, "%.1f core-ms = %.1f images/s per core", coreMs, 1000 / coreMs);
  }

  private void queryRows(ResultTable table) {
    Percentiles imageQ = queries.byImage();
    Percentiles vectorQ = queries.byVector();
    table
        .add("query by image (k=10) p50 / p95 / p99", imageQ.msAt(50, 95, 99))
        .add("query by vector (k=10) p50 / p95 / p99", vectorQ.msAt(50, 95, 99))
        .add(
            "recall@10 vs exact (" + queries.vectors() + " vectors)",
            String.format(Locale.ROOT, "%.3f", queries.recall()));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "n/a";
    }
  }
}
