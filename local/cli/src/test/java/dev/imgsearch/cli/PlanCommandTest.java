package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code imgsearch plan} end to end through picocli: the printed plan, and usage errors as one line
 * + usage, exit 2.
 */
class PlanCommandTest {
  private static final String[] TEN_CAMERAS = {
    "plan", "--cameras", "10", "--fps", "10", "--megapixels", "0.3", "--retention-days", "30"
  };

  @Test
  void printsThePlan() {
    CliUsageErrorsTest.Run r = CliUsageErrorsTest.run(TEN_CAMERAS);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("images in            100/s = 8.64M/day")
        .contains("through the model    25/s (gating skips 75 %)")
        .contains("Flink                2 slots (parallelism), 1 TaskManagers × 4 slots")
        .contains("vector rows          259M")
        .contains("HNSW")
        .contains("DiskANN")
        .contains("Milvus query nodes");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void detectionAddsObjectRows() {
    CliUsageErrorsTest.Run r =
        CliUsageErrorsTest.run(with(TEN_CAMERAS, new String[] {"--detect", "objects,faces"}));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("detect objects,faces")
        .contains("objects 130M")
        .contains("faces 64.8M");
  }

  private static String[] with(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertUsage(CliUsageErrorsTest.Run r, String messagePart) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.firstErrLine()).startsWith("imgsearch plan: ").contains(messagePart);
    assertThat(r.err())
        .contains("Usage: imgsearch plan")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void usageErrors() {
    assertUsage(CliUsageErrorsTest.run("plan", "--cameras", "10"), "--fps");
    assertUsage(
        CliUsageErrorsTest.run(with(TEN_CAMERAS, new String[] {"--detect", "cats"})),
        "--detect is none, objects or objects,faces");
    assertUsage(
        CliUsageErrorsTest.run(with(TEN_CAMERAS, new String[] {"--gate-skip", "1.5"})),
        "--gate-skip");
    assertUsage(
        CliUsageErrorsTest.run(
            "plan",
            "--cameras",
            "-3",
            "--fps",
            "10",
            "--megapixels",
            "0.3",
            "--retention-days",
            "30"),
        "--cameras must be a positive number");
    assertUsage(
        CliUsageErrorsTest.run(
            "plan",
            "--cameras",
            "10",
            "--fps",
            "fast",
            "--megapixels",
            "0.3",
            "--retention-days",
            "30"),
        "fast");
  }
}
