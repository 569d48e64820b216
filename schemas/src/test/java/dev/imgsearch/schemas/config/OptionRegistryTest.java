package dev.imgsearch.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionRegistryTest {
  static final ConfigOption<String> HOST =
      ConfigOptions.key("kafka.bootstrap-servers")
          .stringType()
          .required()
          .withDescription("Kafka bootstrap servers");
  static final ConfigOption<Duration> TTL =
      ConfigOptions.key("dedup.ttl")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription("how long");
  static final ConfigOption<Integer> PORT =
      ConfigOptions.key("metrics.port")
          .intType()
          .defaultValue(9404)
          .withDescription("port | -1 = off");
  static final ConfigOption<String> SECRET =
      ConfigOptions.key("s3.secret-key")
          .stringType()
          .noDefaultValue()
          .withDescription("key")
          .secret();
  static final ConfigOption<String> GUARANTEE =
      ConfigOptions.key("processing.guarantee")
          .oneOf("at_least_once", "exactly_once_v2")
          .defaultValue("at_least_once")
          .withDescription("guarantee");
  static final ConfigOption<Boolean> FLAG =
      ConfigOptions.key("allow-anonymous")
          .booleanType()
          .defaultValue(false)
          .withDescription("flag");
  static final ConfigOption<List<String>> LIST =
      ConfigOptions.key("content.buckets")
          .listType()
          .defaultValue(List.of("images"))
          .withDescription("buckets");

  static final OptionRegistry REGISTRY =
      OptionRegistry.of(
          "test-stage", "IMGSEARCH_TEST_", List.of(HOST, TTL, PORT, SECRET, GUARANTEE, FLAG, LIST));

  @Test
  void valuesAreTypedAndDefaultsApply() {
    Configuration c =
        REGISTRY.parse(
            Map.of(
                "kafka.bootstrap-servers",
                "b:9092",
                "metrics.port",
                " 0 ",
                "processing.guarantee",
                "EXACTLY_ONCE_V2",
                "content.buckets",
                "a, b,,c",
                "allow-anonymous",
                "TRUE"));
    assertThat(c.get(HOST)).isEqualTo("b:9092");
    assertThat(c.get(PORT)).isZero();
    assertThat(c.get(TTL)).isEqualTo(Duration.ofHours(1));
    assertThat(c.isSet(TTL)).isFalse();
    assertThat(c.isSet(PORT)).isTrue();
    assertThat(c.get(GUARANTEE)).isEqualTo("exactly_once_v2");
    assertThat(c.get(LIST)).containsExactly("a", "b", "c");
    assertThat(c.get(FLAG)).isTrue();
    assertThat(c.get(SECRET)).isNull();
  }

  @Test
  void unknownOptionsAreRejectedWithTheNearestKnownOne() {
    assertThatThrownBy(
            () -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "dedup.tll", "PT1S")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown option dedup.tll (did you mean dedup.ttl?)")
        .hasMessageContaining("test-stage knows: kafka.bootstrap-servers, dedup.ttl");
    assertThatThrownBy(() -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "zzz", "1")))
        .hasMessageStartingWith("unknown option zzz;");
  }

  @Test
  void badValuesAndMissingRequiredOptionsNameTheOption() {
    assertThatThrownBy(() -> REGISTRY.parse(Map.of()))
        .hasMessage(
            "missing required option kafka.bootstrap-servers (env IMGSEARCH_TEST_KAFKA_BOOTSTRAP_SERVERS)");
    assertThatThrownBy(
            () -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "dedup.ttl", "1 hour")))
        .hasMessageStartingWith(
            "option dedup.ttl: expected duration (e.g. PT1H, 5s, 50ms), got '1 hour'");
    assertThatThrownBy(
            () -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "metrics.port", "x")))
        .hasMessageStartingWith("option metrics.port: expected int, got 'x'");
    assertThatThrownBy(
            () ->
                REGISTRY.parse(
                    Map.of("kafka.bootstrap-servers", "b", "processing.guarantee", "maybe")))
        .hasMessageContaining("expected one of at_least_once, exactly_once_v2");
    assertThatThrownBy(
            () -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "allow-anonymous", "yes")))
        .hasMessageContaining("option allow-anonymous: expected boolean");
  }

  @Test
  void aSharedOptionMarkedRequiredKeepsItsKeyAndSecrecyAndIsThenRequired() {
    ConfigOption<String> required = SECRET.required();
    assertThat(SECRET.isRequired()).isFalse();
    assertThat(required.key()).isEqualTo("s3.secret-key");
    assertThat(required.isSecret()).isTrue();
    assertThat(required.defaultText()).isEqualTo("(required)");
    assertThatThrownBy(
            () -> OptionRegistry.of("t", "IMGSEARCH_T_", List.of(required)).parse(Map.of()))
        .hasMessage("missing required option s3.secret-key (env IMGSEARCH_T_S3_SECRET_KEY)");
  }

  @Test
  void durationsAreIsoOrANumberWithAUnit() {
    for (var e :
        Map.of(
                "PT0.5S",
                Duration.ofMillis(500),
                "50ms",
                Duration.ofMillis(50),
                "5s",
                Duration.ofSeconds(5),
                "2min",
                Duration.ofMinutes(2),
                "2m",
                Duration.ofMinutes(2),
                "1h",
                Duration.ofHours(1),
                "pt1m",
                Duration.ofMinutes(1))
            .entrySet()) {
      assertThat(
              REGISTRY
                  .parse(Map.of("kafka.bootstrap-servers", "b", "dedup.ttl", e.getKey()))
                  .get(TTL))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    for (String bad : new String[] {"5", "-5s", "5 days", "s"}) {
      assertThatThrownBy(
              () -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "dedup.ttl", bad)))
          .as(bad)
          .hasMessageStartingWith("option dedup.ttl: expected duration");
    }
  }

  @Test
  void blankValuesCountAsNotGiven() {
    Configuration c = REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "metrics.port", "  "));
    assertThat(c.isSet(PORT)).isFalse();
    assertThat(c.get(PORT)).isEqualTo(9404);
    assertThatThrownBy(() -> REGISTRY.parse(Map.of("kafka.bootstrap-servers", " ")))
        .hasMessageContaining("missing required option kafka.bootstrap-servers");
  }

  @Test
  void environmentIsReadByEnvNameAndFlagsWin() {
    Configuration c =
        REGISTRY.fromEnv(
            Map.of(
                "IMGSEARCH_TEST_KAFKA_BOOTSTRAP_SERVERS",
                "env:1",
                "IMGSEARCH_TEST_METRICS_PORT",
                "1",
                "OTHER",
                "x"),
            Map.of("metrics.port", "2"));
    assertThat(c.get(HOST)).isEqualTo("env:1");
    assertThat(c.get(PORT)).isEqualTo(2);
    assertThat(REGISTRY.envName(SECRET)).isEqualTo("IMGSEARCH_TEST_S3_SECRET_KEY");
  }

  @Test
  void secretsAreMaskedInTheEffectiveConfiguration() {
    Configuration c =
        REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b", "s3.secret-key", "hunter2"));
    assertThat(c.get(SECRET)).isEqualTo("hunter2");
    assertThat(c.toString())
        .contains("s3.secret-key = ****", "kafka.bootstrap-servers = b", "dedup.ttl = PT1H")
        .doesNotContain("hunter2");
  }

  @Test
  void helpAndTheReadmeTableListEveryOptionWithItsEnvName() {
    assertThat(REGISTRY.help())
        .contains("--dedup.ttl", "default PT1H", "IMGSEARCH_TEST_<NAME>", "(secret)");
    String table = REGISTRY.markdownTable();
    assertThat(table.lines()).hasSize(2 + 7);
    assertThat(table)
        .contains(
            "| `kafka.bootstrap-servers` | (required) | Kafka bootstrap servers | `IMGSEARCH_TEST_KAFKA_BOOTSTRAP_SERVERS` |")
        .contains("| `metrics.port` | `9404` | port \\| -1 = off | `IMGSEARCH_TEST_METRICS_PORT` |")
        .contains("| `s3.secret-key` | — | key (secret: masked in the log) |");
  }

  @Test
  void declarationsAreChecked() {
    assertThatThrownBy(() -> ConfigOptions.key("Bad Key")).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> OptionRegistry.of("s", "P_", List.of(PORT, PORT)))
        .hasMessageContaining("metrics.port declared twice");
    ConfigOption<Integer> undeclared =
        ConfigOptions.key("other").intType().defaultValue(1).withDescription("x");
    Configuration c = REGISTRY.parse(Map.of("kafka.bootstrap-servers", "b"));
    assertThatThrownBy(() -> c.get(undeclared))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("other");
  }
}
