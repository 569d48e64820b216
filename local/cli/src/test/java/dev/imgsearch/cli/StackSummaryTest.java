package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.Topics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StackSummaryTest {
  private static StackSummary summary(String flink) {
    return new StackSummary(
        "http://127.0.0.1:8080",
        flink,
        "http://127.0.0.1:9000",
        "images",
        "imgsearch",
        "imgsearch-secret",
        "127.0.0.1:9092",
        "embedded (/data/vectors)",
        Path.of("/data"));
  }

  @Test
  void theOneJvmStackHasNoFlinkLine() {
    var lines = summary(null).text().lines().toList();
    assertThat(lines)
        .contains(
            "imgsearch is running.",
            "  Web page / query API : http://127.0.0.1:8080   (no API keys: local mode, anyone who reaches"
                + " this port can search)",
            "  S3 endpoint          : http://127.0.0.1:9000   bucket: images   access key: imgsearch"
                + "   secret key: imgsearch-secret",
            "  Kafka                : 127.0.0.1:9092   topics: "
                + String.join(
                    ", ",
                    Topics.NOTIFICATIONS.name(),
                    Topics.IMAGE_EVENTS.name(),
                    Topics.DEAD_LETTERS.name()),
            "  Vector store         : embedded (/data/vectors)",
            "Ctrl-C stops everything; data stays in /data");
    assertThat(lines).noneMatch(l -> l.contains("Flink"));
    int api = indexOf(lines, "  Web page / query API");
    assertThat(lines.get(api + 1)).startsWith("  S3 endpoint          : ");
  }

  @Test
  void theClusterNamesTheFlinkWebUiBetweenTheApiAndS3() {
    var lines = summary("http://127.0.0.1:41234").text().lines().toList();
    int api = indexOf(lines, "  Web page / query API");
    assertThat(lines.get(api + 1))
        .isEqualTo(
            "  Flink web UI / REST : http://127.0.0.1:41234   (JobManager + 2 TaskManagers, the job as its shaded jar)");
    assertThat(lines.get(api + 2)).startsWith("  S3 endpoint          : ");
  }

  private static int indexOf(java.util.List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line " + prefix + " in " + lines);
  }
}
