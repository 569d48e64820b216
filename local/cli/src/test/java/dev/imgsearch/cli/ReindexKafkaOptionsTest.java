package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The re-index replay's consumer authenticates with the {@code --kafka-*} options, like the stages.
 */
class ReindexKafkaOptionsTest {
  private static ReindexCommand parse(String... args) {
    ReindexCommand c = new ReindexCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void withoutOptionsTheConsumerUsesPlaintext() {
    assertThat(parse("--collection", "c").consumerProperties())
        .containsOnly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void aUserAndPasswordGiveScramSha512() {
    Map<String, Object> p =
        parse(
                "--collection",
                "c",
                "--kafka-sasl-username",
                "reindex",
                "--kafka-sasl-password",
                "pw")
            .consumerProperties();
    assertThat(p)
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"reindex\" password=\"pw\";");
  }

  @Test
  void aUserWithoutPasswordIsRefusedNamingTheOption() {
    ReindexCommand c = parse("--collection", "c", "--kafka-sasl-username", "reindex");
    c.kafkaSaslPassword = null; // whatever the environment holds
    assertThatThrownBy(c::consumerProperties).hasMessageContaining("--kafka-sasl-password");
  }
}
