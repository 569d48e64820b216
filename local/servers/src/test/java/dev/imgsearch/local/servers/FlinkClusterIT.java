package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone cluster from Flink's own entrypoints: a JobManager and two TaskManagers register
 * and offer their slots; a TaskManager killed with SIGKILL is dropped by the JobManager (heartbeat
 * timeout) and one started again registers. Needs {@code local/flink-lib} built ({@link
 * FlinkCluster#BUILD_COMMAND}).
 */
class FlinkClusterIT {
  @TempDir Path dir;

  @Test
  void startsRegistersLosesAndRegainsATaskManager() throws Exception {
    long started = System.nanoTime();
    try (FlinkCluster cluster = FlinkCluster.start(dir, 2, Map.of())) {
      System.out.printf("cluster up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(cluster.rest().taskManagers()).isEqualTo(2);
      awaitFreeSlots(cluster, 2 * FlinkClusterConfig.SLOTS_PER_TM);
      assertThat(Files.readString(dir.resolve("conf/tm-2/config.yaml")))
          .contains("taskmanager.resource-id: \"tm-2\"");

      cluster.killTaskManager("tm-2");
      cluster.awaitTaskManagers(1, Duration.ofSeconds(60));
      awaitFreeSlots(cluster, FlinkClusterConfig.SLOTS_PER_TM);

      cluster.startTaskManager("tm-2");
      cluster.awaitTaskManagers(2, Duration.ofSeconds(60));
      awaitFreeSlots(cluster, 2 * FlinkClusterConfig.SLOTS_PER_TM);
    }
  }

  /**
   * Waits (30 s at most) until the JobManager reports {@code slots} free slots: a TaskManager is
   * listed as registered a moment before its slot report arrives.
   */
  private static void awaitFreeSlots(FlinkCluster cluster, int slots) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (cluster.rest().freeSlots() != slots && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(cluster.rest().freeSlots()).isEqualTo(slots);
  }
}
