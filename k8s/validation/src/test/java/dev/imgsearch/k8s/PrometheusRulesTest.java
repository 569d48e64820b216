package dev.imgsearch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * promtool (scripts/deps/promtool.sh puts it in .tools/bin; without it these tests fail) checks the
 * rule groups of the built PrometheusRules and runs the alert unit tests of
 * src/test/resources/promtool/: each alert fires on the series shape it is meant for, with its
 * labels and texts, and stays quiet on a healthy one.
 */
class PrometheusRulesTest {

  record Result(int exit, String output) {}

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void promtoolAcceptsTheRules(String overlay, @TempDir Path tmp) {
    Path rules = write(tmp.resolve("rules.yaml"), AlertChecks.ruleFile(Overlays.build(overlay)));
    Result r = promtool("check", "rules", rules.toString());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void promtoolRejectsABrokenExpression(@TempDir Path tmp) {
    String good = AlertChecks.ruleFile(Overlays.build("dev"));
    String broken =
        good.replace(
            "increase(imgsearch_ingest_thread_replacements_total[15m]) > 0",
            "increase(imgsearch_ingest_thread_replacements_total[15m]) > > 0");
    assertThat(broken).isNotEqualTo(good);
    Result r = promtool("check", "rules", write(tmp.resolve("rules.yaml"), broken).toString());
    assertThat(r.exit()).as(r.output()).isNotZero();
  }

  @Test
  void alertsFireOnTheirSeriesAndNotOnHealthyOnes(@TempDir Path tmp) {
    write(tmp.resolve("rules.yaml"), AlertChecks.ruleFile(Overlays.build("prod")));
    Path tests =
        write(
            tmp.resolve("alerts.test.yaml"),
            Repo.read("k8s/validation/src/test/resources/promtool/alerts.test.yaml"));
    Result r = promtool("test", "rules", tests.toString());
    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  void aUnitTestOfAnAlertThatDoesNotFireFails(@TempDir Path tmp) {
    // the thread replacement alert with a threshold of 5 misses the single replacement the unit
    // test expects
    write(
        tmp.resolve("rules.yaml"),
        AlertChecks.ruleFile(Overlays.build("prod"))
            .replace(
                "increase(imgsearch_ingest_thread_replacements_total[15m]) > 0",
                "increase(imgsearch_ingest_thread_replacements_total[15m]) > 5"));
    Path tests =
        write(
            tmp.resolve("alerts.test.yaml"),
            Repo.read("k8s/validation/src/test/resources/promtool/alerts.test.yaml"));
    Result r = promtool("test", "rules", tests.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("ImgsearchIngestThreadReplaced");
  }

  static Result promtool(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Repo.tool("bin/promtool").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("promtool timed out: " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
