package dev.imgsearch.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WatchAlertsTest {
  @Test
  void activeWatchesAreTheFewestAnyMatchingSubtaskReports() {
    String scrape =
        "# TYPE flink_taskmanager_job_task_operator_watchesActive gauge\n"
            + "flink_taskmanager_job_task_operator_watchesActive{subtask_index=\"0\",} 1000.0\n"
            + "flink_taskmanager_job_task_operator_watchesActive{subtask_index=\"1\",} 998.0\n";
    assertThat(WatchAlerts.active(scrape)).isEqualTo(998);
    assertThat(WatchAlerts.active("flink_jobmanager_numRunningJobs 1.0\n")).isEqualTo(-1);
  }

  @Test
  void oneWatchMatchesEveryImageTheOthersAreUnitVectorsAtAHighThreshold() {
    JsonNode every = WatchAlerts.everyImage();
    assertThat(every.get("id").asText()).isEqualTo(WatchAlerts.EVERY_IMAGE);
    assertThat(every.get("target").asText()).isEqualTo("NEAR_DUPLICATES");
    assertThat(every.get("threshold").asInt()).isEqualTo(64); // any pHash is within 64 bits of 0
    assertThat(every.get("cooldown").asText()).isEqualTo("PT0S");

    JsonNode other = WatchAlerts.randomFrames(7, 576, new Random(1));
    assertThat(other.get("id").asText()).isEqualTo("bench-random-00007");
    assertThat(other.get("target").asText()).isEqualTo("FRAMES");
    assertThat(other.get("threshold").asDouble()).isEqualTo(0.99);
    double norm = 0;
    for (JsonNode x : other.get("vector")) {
      norm += x.asDouble() * x.asDouble();
    }
    assertThat(other.get("vector")).hasSize(576);
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void latencyRunsFromTheUploadToTheFirstAlertOfTheImageRepeatsAreCounted() throws Exception {
    WatchAlerts w = WatchAlerts.forTest(3);
    w.uploaded("warm", 0); // before the measurement: its alert counts for nothing
    w.startMeasuring();
    w.uploaded("a", 1_000_000_000L);
    w.uploaded("b", 2_000_000_000L);
    w.uploaded("c", 3_000_000_000L);
    w.alert("{\"imageId\":\"warm\"}", 900_000_000L);
    w.alert("{\"imageId\":\"a\"}", 1_250_000_000L);
    w.alert("{\"imageId\":\"b\"}", 2_100_000_000L);
    w.alert("{\"imageId\":\"a\"}", 2_200_000_000L); // a replay: the first arrival counts

    WatchAlerts.Result r = w.result(Duration.ofMillis(100));

    assertThat(r.watches()).isEqualTo(3);
    assertThat(r.images()).isEqualTo(3);
    assertThat(r.missing()).isEqualTo(1); // c
    assertThat(r.ok()).isFalse();
    assertThat(r.copies()).isEqualTo(1);
    assertThat(r.latency().percentile(50)).isEqualTo(100.0);
    assertThat(r.latency().max()).isEqualTo(250.0);
  }
}
