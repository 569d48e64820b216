package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client the job builds from its settings carries the SASL settings ({@code
 * kafka.sasl.*}).
 */
class EmbedderKafkaClientsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"imgsearch-embedder\""
          + " password=\"s\\\\ecret\";";

  private static EmbedderSettings withSasl() {
    Map<String, String> env =
        Map.of(
            "IMGSEARCH_EMBEDDER_KAFKA_SASL_USERNAME", "imgsearch-embedder",
            "IMGSEARCH_EMBEDDER_KAFKA_SASL_PASSWORD", "s\\ecret");
    return EmbedderSettings.fromEnv(env, EmbedderSettingsTest.required());
  }

  @Test
  void theSaslOptionsAreReadFromTheEnvironmentAndThePasswordIsMasked() {
    EmbedderSettings s = withSasl();
    assertThat(s.kafkaClientProperties())
        .containsOnly(
            Map.entry("security.protocol", "SASL_PLAINTEXT"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry("sasl.jaas.config", JAAS));
    assertThat(s.describe())
        .containsEntry("kafka.sasl.username", "imgsearch-embedder")
        .containsEntry("kafka.sasl.password", "****");
    assertThat(s.describe().toString()).doesNotContain("s\\ecret");
    assertThat(EmbedderSettings.OPTIONS)
        .contains(
            "kafka.sasl.username",
            "kafka.sasl.password",
            "kafka.security.protocol",
            "kafka.sasl.mechanism");
  }

  @Test
  void theKafkaSecurityOptionsAreDocumented() throws java.io.IOException {
    // surefire runs in the module directory
    String module = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    String root = java.nio.file.Files.readString(java.nio.file.Path.of("../../README.md"));
    for (String option : dev.imgsearch.schemas.KafkaSecurity.OPTIONS) {
      assertThat(module).as("embedder/README.md").contains("`" + option + "`");
      assertThat(root).as("README.md").contains("`" + option + "`");
    }
  }

  @Test
  void usernameWithoutPasswordFailsNamingTheOption() {
    Map<String, String> m = EmbedderSettingsTest.required();
    m.put("kafka.sasl.username", "u");
    assertThatThrownBy(() -> EmbedderSettings.fromMap(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.sasl.password");
  }

  @Test
  void withoutSaslOptionsTheClientsUsePlaintext() {
    EmbedderSettings s = EmbedderSettings.fromMap(EmbedderSettingsTest.required());
    assertThat(s.kafkaClientProperties()).containsOnly(Map.entry("security.protocol", "PLAINTEXT"));
    assertThat(props(EmbedderJob.source(s), "props")).doesNotContainKey("sasl.jaas.config");
  }

  @Test
  void theSourceTheSinksTheSinksDeadLettersAndTheAdminClientAuthenticate() throws Exception {
    EmbedderSettings s = withSasl();
    assertSasl(props(EmbedderJob.source(s), "props"));
    assertSasl(props(EmbedderJob.deadLetterSink(s), "kafkaProducerConfig"));
    assertSasl(props(EmbedderJob.embeddingsSink(s), "kafkaProducerConfig"));
    assertSasl(EmbedderJob.sinkDeadLetters(s).producerConfig());
    Map<String, Object> admin =
        EmbeddingsTopic.adminConfig(s.bootstrapServers(), s.kafkaClientProperties());
    assertSasl(admin);
    assertThat(admin).containsEntry("bootstrap.servers", "k:9092");
    assertThat(props(EmbedderJob.source(s), "props")).containsEntry("bootstrap.servers", "k:9092");
  }

  private static void assertSasl(Map<?, ?> config) {
    assertThat(Map.<Object, Object>copyOf(config))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS);
  }

  /**
   * The connector keeps the client configuration in a private field; read it to see what the
   * clients get.
   */
  private static Properties props(Object connector, String field) {
    try {
      Field f = connector.getClass().getDeclaredField(field);
      f.setAccessible(true);
      return (Properties) f.get(connector);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the connector has no field " + field + " any more", e);
    }
  }
}
