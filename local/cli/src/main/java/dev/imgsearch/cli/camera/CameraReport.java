package dev.imgsearch.cli.camera;

import dev.imgsearch.cli.bench.BenchReport;
import dev.imgsearch.cli.bench.Percentiles;
import dev.imgsearch.cli.bench.ResultTable;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * The result of a camera replay: its table, printed and optionally appended to a markdown file, and
 * whether it passed its checks: every frame sent and searchable, every frame findable by time, and
 * search by a frame with people returning at least {@code minPeopleShare} hits where they appear.
 * Whether the lag stayed bounded (real time) is reported, not checked.
 *
 * @param cores CPU cores used by the pipeline JVM (with the bench client) and the S3 server during
 *     the replay and until every frame was searchable, or negative when unknown
 * @param people the search check, or null without labels
 */
public record CameraReport(
    CameraOptions options,
    String store,
    int frames,
    long meanBytes,
    CameraReplay replay,
    FlinkCounters counters,
    LagSummary lag,
    double cores,
    String memory,
    List<FindableByTime> findable,
    PeopleSearch people,
    long checks,
    long checkErrors) {
  public boolean ok() {
    return replay.sendErrors() == 0
        && lag.missing() == 0
        && findable.stream().allMatch(FindableByTime::ok)
        && (people == null || people.share() >= options.minPeopleShare());
  }

  /** Prints the table, appends it to the markdown file; 0 when {@link #ok()}, else 2. */
  public int print() throws IOException {
    String md = table().markdown();
    System.out.println();
    System.out.println(md);
    if (options.markdown() != null) {
      BenchReport.appendMeasured(options.markdown(), md);
    }
    return ok() ? 0 : BenchReport.FAILED_CHECKS;
  }

  ResultTable table() {
    ResultTable t = new ResultTable();
    long published = replay.published();
    t.add("store / settings", store + ", checkpoint " + options.checkpointInterval())
        .add("embedder options", options.embedderOverrides().toString())
        .add(
            "footage",
            String.format(Locale.ROOT, "%d JPEG frames, mean %,d bytes", frames, meanBytes))
        .add(
            "cameras × rate (raw frames on Kafka)",
            String.format(
                Locale.ROOT,
                "%d × %.1f fps = %.1f frames/s",
                options.cameras(),
                options.fps(),
                options.cameras() * options.fps()))
        .add(
            "frames published / send errors / publisher max behind schedule",
            String.format(
                Locale.ROOT,
                "%d / %d / %s",
                published,
                replay.sendErrors(),
                Percentiles.ms(replay.maxBehindMs())))
        .add(
            "frames embedded / gated (job counters)",
            String.format(
                Locale.ROOT,
                "%d / %d (%.1f %% gated)",
                counters.embedded(),
                counters.gated(),
                published == 0 ? 0 : 100.0 * counters.gated() / published))
        .add("publish→searchable p50 / p99 / max", lagCells(lag.all()))
        .add("lag, first 10 % of frames: p50 / p99 / max", lagCells(lag.first()))
        .add("lag, last 10 % of frames: p50 / p99 / max", lagCells(lag.last()))
        .add(
            "real time (median lag grew ≤ 1 s, all searchable)",
            (lag.bounded() ? "yes" : "no")
                + (lag.missing() > 0 ? ", " + lag.missing() + " never searchable" : ""))
        .add(
            "CPU cores used (pipeline JVM + bench client + S3 server)",
            cores < 0
                ? "n/a"
                : String.format(
                    Locale.ROOT, "%.2f of %d", cores, Runtime.getRuntime().availableProcessors()))
        .add("peak RSS: pipeline JVM (+ bench client) / S3 server JVM", memory);
    for (FindableByTime f : findable) {
      t.add(
          "findable by time: " + f.source() + " (GET /v1/images, paged)",
          String.format(
              Locale.ROOT,
              "%d / %d%s (%d pages%s)",
              f.found(),
              f.expected(),
              f.unexpected() > 0 ? ", " + f.unexpected() + " unexpected" : "",
              f.pages(),
              f.complete() ? "" : ", incomplete"));
    }
    t.add("search by a frame with people (k=20, ±20 footage frames)", peopleCell());
    return t.add("freshness checks (windowed searches) / errors", checks + " / " + checkErrors);
  }

  private String peopleCell() {
    if (people == null) {
      return "not checked (no --people labels)";
    }
    return String.format(
        Locale.ROOT,
        "%d / %d hits = %.2f (worst query %.2f; %d queries; pass ≥ %.2f)",
        people.inSpan(),
        people.hits(),
        people.share(),
        people.worstShare(),
        people.queries(),
        options.minPeopleShare());
  }

  private static String lagCells(Percentiles p) {
    return p.count() == 0 ? "no samples" : p.msAt(50, 99) + " / " + Percentiles.ms(p.max());
  }
}
