package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {
  @Test
  void defaultsMatchTheDocumentedOptions() {
    IngestSettings s = IngestSettings.defaults("k:9092", "/tmp/x");
    assertThat(s.applicationId()).isEqualTo("imgsearch-ingest");
    assertThat(s.notificationsTopic()).isEqualTo("imgsearch.minio-events");
    assertThat(s.rawFramesTopic()).isEqualTo("imgsearch.raw-frames");
    assertThat(s.processingGuarantee()).isEqualTo("at_least_once");
    assertThat(s.dedupTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(s.filter()).isEqualTo(ImageFilter.IMAGES);
    assertThat(s.frames()).isNull();
    assertThat(s.metricsPort()).isEqualTo(-1); // embedded: no endpoint
    assertThat(IngestSettings.fromMap(Map.of("kafka.bootstrap-servers", "k")).metricsPort())
        .isEqualTo(9404);
  }

  @Test
  void environmentIsReadAndFlagsWin() {
    IngestSettings s =
        IngestSettings.fromEnv(
            Map.of(
                "IMGSEARCH_INGEST_KAFKA_BOOTSTRAP_SERVERS",
                "env:9092",
                "IMGSEARCH_INGEST_PROCESSING_GUARANTEE",
                "exactly_once_v2",
                "IMGSEARCH_INGEST_FILTER_PREFIXES",
                "cams/",
                "IMGSEARCH_INGEST_S3_ENDPOINT",
                "http://s3:9000",
                "IMGSEARCH_INGEST_S3_ACCESS_KEY",
                "a",
                "IMGSEARCH_INGEST_S3_SECRET_KEY",
                "secret-value",
                "PATH",
                "/bin"),
            Map.of("kafka.bootstrap-servers", "flag:9092", "frames.retry.budget", "PT30S"));
    assertThat(s.bootstrapServers()).isEqualTo("flag:9092");
    assertThat(s.processingGuarantee()).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(s.filter().prefixes()).containsExactly("cams/");
    assertThat(s.frames().endpoint()).isEqualTo("http://s3:9000");
    assertThat(s.frames().backoff().budget()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.toString()).contains("s3.secret-key = ****").doesNotContain("secret-value");
    assertThat(s.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo("exactly_once_v2");
    assertThat(
            s.streamsProperties()
                .get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
        .isEqualTo(60_000);
    assertThat(s.streamsProperties().get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(IngestProductionExceptionHandler.class.getName());
    assertThat(s.streamsProperties().get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(IngestExceptionHandler.class.getName());
    // only the main consumer's idle fetches wait longer, not the restore consumer's
    assertThat(s.streamsProperties().get(StreamsConfig.mainConsumerPrefix("fetch.max.wait.ms")))
        .isEqualTo(dev.imgsearch.schemas.IdleFetch.MAX_WAIT_MS);
    assertThat(s.streamsProperties()).doesNotContainKey("fetch.max.wait.ms");
  }

  @Test
  void saslCredentialsReachKafkaStreamsAndTheAdminClientAndThePasswordIsNotLogged() {
    IngestSettings s =
        IngestSettings.fromEnv(
            Map.of(
                "IMGSEARCH_INGEST_KAFKA_BOOTSTRAP_SERVERS",
                "kafka:9093",
                "IMGSEARCH_INGEST_KAFKA_SASL_USERNAME",
                "imgsearch-ingest",
                "IMGSEARCH_INGEST_KAFKA_SASL_PASSWORD",
                "pa\"ss-from-secret"),
            Map.of());
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"imgsearch-ingest\""
            + " password=\"pa\\\"ss-from-secret\";";
    var streams = s.streamsProperties();
    assertThat(streams.get("security.protocol")).isEqualTo("SASL_PLAINTEXT");
    assertThat(streams.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
    assertThat(streams.get("sasl.jaas.config")).isEqualTo(jaas);
    assertThat(s.clientProperties())
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", jaas);
    assertThat(s.toString())
        .contains("kafka.sasl.username = imgsearch-ingest")
        .contains("kafka.sasl.password = ****")
        .doesNotContain("from-secret");
    assertThat(s.withGuarantee("exactly_once_v2").streamsProperties().get("sasl.jaas.config"))
        .isEqualTo(jaas);
  }

  @Test
  void theKafkaSecurityOptionsAreDocumented() throws java.io.IOException {
    // surefire runs in the module directory
    String module = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    String root = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    for (String option : dev.imgsearch.schemas.KafkaSecurity.OPTIONS) {
      assertThat(IngestSettings.OPTIONS).contains(option);
      assertThat(module).as("ingest-stream/README.md").contains("`" + option + "`");
      assertThat(root).as("README.md").contains("`" + option + "`");
    }
  }

  @Test
  void withoutSaslOptionsTheClientsUsePlaintext() {
    IngestSettings s = IngestSettings.defaults("k:9092", "/tmp/x");
    assertThat(s.streamsProperties().get("security.protocol")).isEqualTo("PLAINTEXT");
    assertThat(s.streamsProperties()).doesNotContainKeys("sasl.jaas.config", "sasl.mechanism");
    assertThat(s.clientProperties()).doesNotContainKey("sasl.jaas.config");
  }

  @Test
  void saslUsernameWithoutPasswordFailsNamingTheOption() {
    assertThatThrownBy(
            () ->
                IngestSettings.fromMap(
                    Map.of("kafka.bootstrap-servers", "k", "kafka.sasl.username", "u")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.sasl.password");
    assertThatThrownBy(
            () ->
                IngestSettings.fromMap(
                    Map.of("kafka.bootstrap-servers", "k", "kafka.sasl.password", "p")))
        .hasMessageContaining("kafka.sasl.username");
  }

  @Test
  void badOptionsFailFastNamingTheOption() {
    assertThatThrownBy(() -> IngestSettings.fromMap(Map.of()))
        .hasMessageContaining("kafka.bootstrap-servers");
    // option, bad value, what the message must name
    String[][] cases = {
      {"procesing.guarantee", "x", "unknown option procesing.guarantee"},
      {"processing.guarantee", "exactly_once", "processing.guarantee"},
      {"dedup.ttl", "an hour", "dedup.ttl"},
      {"s3.endpoint", "http://s3", "s3.access-key"},
      {"frames.max-bytes", "1MB", "frames.max-bytes"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(
              () -> IngestSettings.fromMap(Map.of("kafka.bootstrap-servers", "k", c[0], c[1])))
          .as(c[0] + "=" + c[1])
          .hasMessageContaining(c[2]);
    }
  }

  @Test
  void flagsParseBothForms() {
    assertThat(IngestApp.parseFlags(new String[] {"--a", "1", "--b=2"}))
        .isEqualTo(Map.of("a", "1", "b", "2"));
    assertThatThrownBy(() -> IngestApp.parseFlags(new String[] {"--a"}))
        .hasMessageContaining("--a");
  }
}
