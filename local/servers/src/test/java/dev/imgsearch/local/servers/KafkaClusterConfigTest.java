package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClusterConfigTest {
  private final KafkaClusterConfig config =
      new KafkaClusterConfig(List.of(9092, 9093, 9094), List.of(9192, 9193, 9194));

  @Test
  void everyNodeIsAVoterOnItsControllerPort() {
    assertThat(config.voters()).isEqualTo("1@127.0.0.1:9192,2@127.0.0.1:9193,3@127.0.0.1:9194");
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094");
    assertThat(config.bootstrapServer(2)).isEqualTo("127.0.0.1:9093");
  }

  @Test
  void aNodeListensOnItsOwnPortsAndReplicatesToAllWithMinIsrOneLess() {
    Map<String, String> node = config.node(2, Path.of("/data/kafka/node-2"));
    assertThat(node)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "2")
        .containsEntry("controller.quorum.voters", config.voters())
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9193")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9093")
        .containsEntry("log.dirs", "/data/kafka/node-2")
        .containsEntry("default.replication.factor", "3")
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2")
        .containsEntry("unclean.leader.election.enable", "false")
        .containsEntry("broker.session.timeout.ms", "4000");
    assertThat(Integer.parseInt(node.get("broker.heartbeat.interval.ms")))
        .isLessThan(Integer.parseInt(node.get("broker.session.timeout.ms")));
    assertThat(
            new KafkaClusterConfig(List.of(1, 2, 3, 4, 5), List.of(6, 7, 8, 9, 10))
                .node(5, Path.of("/d")))
        .containsEntry("default.replication.factor", "5")
        .containsEntry("min.insync.replicas", "4")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:5,CONTROLLER://127.0.0.1:10");
  }

  @Test
  void serverPropertiesReadBackAsWritten() throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("log.dirs", "C:\\kafka data\\node-1");
    settings.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192");
    settings.put("odd key=with:separators #!", " leading space, tab\t, newline\n, é, 日本");
    settings.put("empty", "");
    String text = KafkaClusterConfig.serverProperties(settings);
    assertThat(text).startsWith("#").endsWith("\n");
    // Kafka reads server.properties with Properties.load(InputStream): ISO 8859-1
    assertThat(StandardCharsets.US_ASCII.newEncoder().canEncode(text)).isTrue();
    Properties read = new Properties();
    read.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(read).containsExactlyInAnyOrderEntriesOf(settings);
  }

  @Test
  void theWholeNodeConfigurationSurvivesTheFile() throws IOException {
    Map<String, String> node = config.node(1, Path.of("/data/kafka/node-1"));
    Properties read = new Properties();
    read.load(
        new ByteArrayInputStream(
            KafkaClusterConfig.serverProperties(node).getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(read).containsExactlyInAnyOrderEntriesOf(node);
  }

  @Test
  void theJvmRunsKafkasOwnMainWithTheGeneratedLogConfiguration() {
    Path log4j = Path.of("/data/kafka/conf/log4j2.properties");
    assertThat(KafkaClusterConfig.MAIN).isEqualTo("kafka.Kafka");
    assertThat(KafkaClusterConfig.jvmOptions(log4j, Path.of("/data/kafka/log/node-1.log")))
        .contains(
            "-Dlog4j2.configurationFile=" + log4j.toUri(),
            "-D" + KafkaClusterConfig.LOG_FILE_PROPERTY + "=/data/kafka/log/node-1.log")
        .anyMatch(o -> o.startsWith("-Xmx"));
    assertThat(KafkaClusterConfig.log4j())
        .contains("${sys:" + KafkaClusterConfig.LOG_FILE_PROPERTY + "}");
  }

  @Test
  void rejectsTooFewNodesMismatchedAndRepeatedPorts() {
    assertThatThrownBy(() -> new KafkaClusterConfig(List.of(1, 2), List.of(3, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3 nodes, not 2");
    assertThatThrownBy(() -> new KafkaClusterConfig(List.of(1, 2, 3), List.of(4, 5)))
        .hasMessageContaining("3 broker ports but 2 controller ports");
    assertThatThrownBy(() -> new KafkaClusterConfig(List.of(1, 2, 3), List.of(4, 5, 2)))
        .hasMessageContaining("port 2 is given twice");
    assertThatThrownBy(() -> new KafkaClusterConfig(List.of(1, 2, 3), List.of(4, 5, 70000)))
        .hasMessageContaining("1..65535, not 70000");
    assertThatThrownBy(() -> config.node(4, Path.of("/d")))
        .hasMessageContaining("no Kafka node 4 (1..3)");
  }
}
