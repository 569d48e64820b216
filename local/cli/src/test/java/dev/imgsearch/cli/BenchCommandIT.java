package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgsearch bench}, small, on the real local stack (embedded store): it passes its sanity
 * checks (exit 0), and its table agrees with what was uploaded: every image searchable, no failed
 * freshness check, one embedding per uploaded image, plausible throughput and recall.
 */
class BenchCommandIT {
  private static final Pattern ROW = Pattern.compile("^\\| (.+?) +\\| +(.*?) \\|$");

  @TempDir Path tmp;

  @Test
  void aSmallBenchPassesItsSanityChecksAndCountsEveryImage() throws Exception {
    Map<String, String> rows =
        bench(
            tmp,
            "bench.md",
            "--rate",
            "5",
            "--seconds",
            "2",
            "--warm-up-seconds",
            "0",
            "--burst",
            "10",
            "--burst-uploaders",
            "4",
            "--queries",
            "5",
            "--width",
            "320",
            "--height",
            "240");
    assertThat(rows.get("freshness: offered rate")).endsWith("× 10");
    assertThat(rows).containsEntry("freshness: not searchable after 2 min", "0");
    assertThat(rows).containsEntry("burst: not searchable after 5 min", "0");
    // 20 warm-up images + 10 at the rate + a burst of 10; the image queries are not indexed
    assertThat(rows).containsKey("recall@10 vs exact (40 vectors)");
    assertThat(Double.parseDouble(rows.get("recall@10 vs exact (40 vectors)"))).isBetween(0.8, 1.0);
    String[] checks = rows.get("freshness checks (batched searches) / errors").split(" / ");
    assertThat(Long.parseLong(checks[0])).isPositive();
    assertThat(checks[1]).as("failed freshness checks").isEqualTo("0");
    assertThat(rows.get("ingest throughput (burst of 10)"))
        .matches("\\d+\\.\\d images/s")
        .isNotEqualTo("0.0 images/s");
    assertThat(rows.get("query by image (k=10) p50 / p95 / p99")).contains(" ms");
    // the burst's CPU, per image, next to the plan's figure for 320×240 (extrapolated below 0.3 MP)
    assertThat(rows.get("burst CPU: pipeline JVM (+ bench client) / S3 server / Milvus"))
        .matches("\\d+\\.\\d s / \\d+\\.\\d s / n/a \\(\\d+\\.\\d\\d cores busy\\)");
    String perImage = rows.get("CPU per image (burst, all processes above)");
    assertThat(perImage).matches("\\d+\\.\\d core-ms = \\d+\\.\\d images/s per core");
    assertThat(Double.parseDouble(perImage.split(" ")[0])).isPositive();
    assertThat(rows.get("CPU per image without the JIT compiler (steady state)"))
        .matches("\\d+\\.\\d core-ms = \\d+\\.\\d images/s per core");
    assertThat(rows.get("imgsearch plan's figure for this setting"))
        .contains("JOB_CORE_MS_AT_03_MP…AT_2_MP extrapolated at 0.08 MP")
        .contains("for the job alone; this run measured the whole stack in one JVM");
  }

  /**
   * Runs {@code imgsearch bench --vector-store embedded OPTIONS} with its data in {@code tmp/data}
   * and its table in {@code tmp/markdownName}; asserts it passed its checks (exit 0) and returns
   * the table's rows.
   */
  static Map<String, String> bench(Path tmp, String markdownName, String... options)
      throws IOException {
    Path markdown = tmp.resolve(markdownName);
    List<String> args = new ArrayList<>(List.of("bench", "--vector-store", "embedded"));
    args.addAll(List.of(options));
    args.addAll(
        List.of("--data-dir", tmp.resolve("data").toString(), "--markdown", markdown.toString()));
    int code = Main.commandLine().execute(args.toArray(String[]::new));
    assertThat(code).as("exit code (2: a sanity check failed)").isZero();
    Map<String, String> rows = rows(Files.readString(markdown));
    System.out.println(rows);
    return rows;
  }

  /** The (what, value) rows of the bench's markdown table. */
  static Map<String, String> rows(String markdown) {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : markdown.lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (m.matches() && !m.group(1).equals("what") && !m.group(1).startsWith("---")) {
        rows.put(m.group(1), m.group(2));
      }
    }
    return rows;
  }
}
