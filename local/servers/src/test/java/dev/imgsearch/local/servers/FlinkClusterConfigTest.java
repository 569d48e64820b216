package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlinkClusterConfigTest {
  private final FlinkClusterConfig config =
      new FlinkClusterConfig(
          8081,
          6123,
          Path.of("/data/flink/checkpoints"),
          Path.of("/data/flink/uploads"),
          Path.of("/data/flink/tmp"));

  @Test
  void everyProcessFindsTheJobManagerAndSharesTheCheckpointDirectory() {
    Map<String, String> c = config.common();
    assertThat(c)
        .containsEntry("jobmanager.rpc.address", "127.0.0.1")
        .containsEntry("jobmanager.rpc.port", "6123")
        .containsEntry("rest.port", "8081")
        .containsEntry("taskmanager.numberOfTaskSlots", "2")
        .containsEntry("execution.checkpointing.dir", "file:///data/flink/checkpoints")
        .containsEntry("restart-strategy.type", "fixed-delay")
        .containsEntry("io.tmp.dirs", "/data/flink/tmp");
    assertThat(config.restUrl()).isEqualTo("http://127.0.0.1:8081");
  }

  @Test
  void eachTaskManagerIsNamedAndTheOthersAreNot() {
    assertThat(config.taskManager("tm-2")).containsEntry("taskmanager.resource-id", "tm-2");
    assertThat(config.common()).doesNotContainKey("taskmanager.resource-id");
  }

  @Test
  void taskManagerJvmFlagsMatchTheMemoryComponents() {
    Map<String, String> c = config.common();
    int heap =
        mib(c.get("taskmanager.memory.framework.heap.size"))
            + mib(c.get("taskmanager.memory.task.heap.size"));
    int direct =
        mib(c.get("taskmanager.memory.framework.off-heap.size"))
            + mib(c.get("taskmanager.memory.task.off-heap.size"))
            + mib(c.get("taskmanager.memory.network.max"));
    assertThat(FlinkClusterConfig.taskManagerJvm())
        .contains(
            "-Xmx" + heap + "m",
            "-Xms" + heap + "m",
            "-XX:MaxDirectMemorySize=" + direct + "m",
            "-XX:MaxMetaspaceSize=" + c.get("taskmanager.memory.jvm-metaspace.size"));
    assertThat(FlinkClusterConfig.jobManagerJvm())
        .contains(
            "-Xmx" + c.get("jobmanager.memory.heap.size"),
            "-XX:MaxDirectMemorySize=" + c.get("jobmanager.memory.off-heap.size"));
  }

  @Test
  void yamlQuotesEveryValue() {
    assertThat(
            FlinkClusterConfig.yaml(
                Map.of("restart-strategy.fixed-delay.delay", "1 s", "a", "say \"hi\"")))
        .contains("restart-strategy.fixed-delay.delay: \"1 s\"\n")
        .contains("a: \"say \\\"hi\\\"\"\n");
  }

  @Test
  void rejectsBadPorts() {
    Path d = Path.of("x");
    assertThatThrownBy(() -> new FlinkClusterConfig(0, 6123, d, d, d))
        .hasMessageContaining("restPort");
    assertThatThrownBy(() -> new FlinkClusterConfig(8081, 8081, d, d, d))
        .hasMessageContaining("must differ");
  }

  private static int mib(String size) {
    assertThat(size).endsWith("m");
    return Integer.parseInt(size.substring(0, size.length() - 1));
  }
}
