package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {

  @Test
  void noOptionsMeansPlaintextAndNoSaslProperties() {
    KafkaSecurity s = KafkaSecurity.fromOptions(Map.of());
    assertThat(s).isEqualTo(KafkaSecurity.NONE);
    assertThat(s.authenticated()).isFalse();
    assertThat(s.clientProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void usernameAndPasswordDefaultToScramSha512OverSaslPlaintext() {
    KafkaSecurity s =
        KafkaSecurity.fromOptions(
            Map.of("kafka.sasl.username", "ingest", "kafka.sasl.password", "s3cret"));
    assertThat(s.clientProperties())
        .containsOnly(
            Map.entry("security.protocol", "SASL_PLAINTEXT"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ingest\" password=\"s3cret\";"));
  }

  @Test
  void protocolAndMechanismCanBeChosen() {
    KafkaSecurity s =
        KafkaSecurity.fromOptions(
            Map.of(
                "kafka.sasl.username",
                "u",
                "kafka.sasl.password",
                "p",
                "kafka.security.protocol",
                "sasl_ssl",
                "kafka.sasl.mechanism",
                "PLAIN"));
    assertThat(s.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";");
  }

  @Test
  void quotesAndBackslashesAreEscapedAndParseBackToTheValues() {
    String password = "p\"a\\ss;word\\\" x=\"y";
    String user = "us\"er\\";
    String jaas = KafkaSecurity.scram(user, password).clientProperties().get("sasl.jaas.config");
    assertThat(jaas).contains("username=\"us\\\"er\\\\\"");
    // Kafka's own parser of sasl.jaas.config gives back the exact values
    List<AppConfigurationEntry> entries =
        JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)))
            .configurationEntries();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
    Map<String, Object> options = Map.copyOf(entries.get(0).getOptions());
    assertThat(options).containsEntry("username", user).containsEntry("password", password);
  }

  @Test
  void usernameWithoutPasswordNamesTheMissingOption() {
    assertThatThrownBy(() -> KafkaSecurity.fromOptions(Map.of("kafka.sasl.username", "ingest")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing option kafka.sasl.password");
    assertThatThrownBy(
            () ->
                KafkaSecurity.fromOptions(
                    Map.of("kafka.sasl.password", "x", "kafka.sasl.username", " ")))
        .hasMessageContaining("missing option kafka.sasl.username");
  }

  @Test
  void saslProtocolWithoutCredentialsAndCredentialsWithoutSaslAreRefused() {
    assertThatThrownBy(
            () -> KafkaSecurity.fromOptions(Map.of("kafka.security.protocol", "SASL_PLAINTEXT")))
        .hasMessageContaining("missing option kafka.sasl.username");
    assertThatThrownBy(
            () -> KafkaSecurity.fromOptions(credentialsAnd("kafka.security.protocol", "PLAINTEXT")))
        .hasMessageContaining("kafka.security.protocol");
    assertThatThrownBy(() -> KafkaSecurity.fromOptions(Map.of("kafka.sasl.mechanism", "PLAIN")))
        .hasMessageContaining("kafka.sasl.mechanism");
  }

  @Test
  void unknownProtocolOrMechanismIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> KafkaSecurity.fromOptions(Map.of("kafka.security.protocol", "TLS")))
        .hasMessageContaining("kafka.security.protocol must be one of");
    assertThatThrownBy(
            () -> KafkaSecurity.fromOptions(credentialsAnd("kafka.sasl.mechanism", "GSSAPI")))
        .hasMessageContaining("kafka.sasl.mechanism must be one of");
  }

  @Test
  void thePasswordIsNeverShown() {
    KafkaSecurity s = KafkaSecurity.scram("embedder", "hunter2-very-secret");
    assertThat(s.toString()).doesNotContain("hunter2").contains("embedder").contains("****");
    assertThat(s.describe().values()).doesNotContain("hunter2-very-secret");
  }

  @Test
  void withAddsTheSecurityPropertiesToTheGivenOnes() {
    Map<String, Object> p =
        KafkaSecurity.scram("u", "p").with(Map.of("bootstrap.servers", "k:9092"));
    assertThat(p)
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsKey("sasl.jaas.config");
  }

  /** User u, password p and {@code key} = {@code value}. */
  private static Map<String, String> credentialsAnd(String key, String value) {
    return Map.of("kafka.sasl.username", "u", "kafka.sasl.password", "p", key, value);
  }
}
