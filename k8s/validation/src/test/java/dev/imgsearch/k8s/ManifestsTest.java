package dev.imgsearch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay builds, every resource matches its pinned schema, and the manifests agree with the
 * code.
 */
class ManifestsTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void overlayBuildsIntoTheImgsearchNamespace(String overlay) {
    Manifest m = Overlays.build(overlay);
    Set<String> kinds = new TreeSet<>();
    m.resources().forEach(r -> kinds.add(r.path("kind").asText()));
    assertThat(kinds)
        .contains(
            "Namespace",
            "Kafka",
            "KafkaNodePool",
            "KafkaTopic",
            "StatefulSet",
            "Job",
            "Milvus",
            "FlinkDeployment",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "ConfigMap",
            "NetworkPolicy",
            "ServiceMonitor",
            "PodMonitor",
            "PrometheusRule",
            "ServiceAccount",
            "Role",
            "RoleBinding");
    for (JsonNode r : m.resources()) {
      if (!r.path("kind").asText().equals("Namespace")) {
        assertThat(r.path("metadata").path("namespace").asText())
            .as(r.path("kind") + "/" + Manifest.name(r))
            .isEqualTo("imgsearch");
      }
    }
  }

  /**
   * Every check of an overlay that must find no problem: the pinned schemas, the agreement with the
   * code, least privilege.
   */
  static Stream<Arguments> overlayChecks() {
    Map<String, Function<Manifest, List<String>>> checks = new LinkedHashMap<>();
    checks.put("every resource matches the pinned schemas", Overlays::schemaProblems);
    checks.put("the manifests agree with the code", CrossChecks::all);
    checks.put("the manifests grant least privilege", LeastPrivilege::all);
    return Stream.of("dev", "prod")
        .flatMap(
            overlay ->
                checks.entrySet().stream()
                    .map(c -> Arguments.of(overlay, c.getKey(), c.getValue())));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("overlayChecks")
  void overlayPassesCheck(String overlay, String check, Function<Manifest, List<String>> problems) {
    assertThat(problems.apply(Overlays.build(overlay))).as(check).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyFlowOfTheConfigurationIsChecked(String overlay) {
    List<String> flows =
        FlowRules.impliedFlows(Overlays.build(overlay)).stream()
            .map(f -> f.what() + ":" + f.port())
            .toList();
    assertThat(flows)
        .contains(
            "ingest-stream → Kafka:9092",
            "ingest-stream → S3:9000",
            "imgsearch-embedder → Kafka:9092",
            "imgsearch-embedder → S3:9000",
            "imgsearch-embedder → Milvus:19530",
            "query-api → Milvus:19530",
            "query-api → S3:9000",
            "MinIO notifications → Kafka:9092",
            "bucket setup → S3:9000",
            "Milvus → S3:9000");
    if (overlay.equals("prod")) {
      assertThat(flows).contains("Milvus → Kafka:9092");
    }
  }

  @Test
  void catalogCoversEveryOperatorKindUsed() {
    assertThat(SchemaCatalog.get().kinds())
        .contains(
            "kafka.strimzi.io/v1beta2 Kafka",
            "kafka.strimzi.io/v1beta2 KafkaNodePool",
            "kafka.strimzi.io/v1beta2 KafkaTopic",
            "kafka.strimzi.io/v1beta2 KafkaUser",
            "flink.apache.org/v1beta1 FlinkDeployment",
            "milvus.io/v1beta1 Milvus",
            "monitoring.coreos.com/v1 ServiceMonitor",
            "monitoring.coreos.com/v1 PodMonitor",
            "monitoring.coreos.com/v1 PrometheusRule",
            "apps/v1 Deployment",
            "autoscaling/v2 HorizontalPodAutoscaler",
            "policy/v1 PodDisruptionBudget");
  }

  @Test
  void devIsSingleReplicaWithStandaloneMilvus() {
    Manifest m = Overlays.build("dev");
    assertThat(m.get("Milvus", "imgsearch-milvus").path("spec").path("mode").asText())
        .isEqualTo("standalone");
    assertThat(m.get("Milvus", "imgsearch-milvus").path("spec").path("components").has("queryNode"))
        .isFalse();
    for (String d : List.of("ingest-stream", "query-api")) {
      assertThat(m.get("Deployment", d).path("spec").path("replicas").asInt()).as(d).isEqualTo(1);
    }
    m.ofKind("KafkaNodePool")
        .forEach(np -> assertThat(np.path("spec").path("replicas").asInt()).isEqualTo(1));
    assertThat(jobManagers(m)).isEqualTo(1);
    assertThat(m.get("StatefulSet", "minio").path("spec").path("replicas").asInt()).isEqualTo(1);
  }

  @Test
  void prodIsHighlyAvailable() {
    Manifest m = Overlays.build("prod");
    JsonNode milvus = m.get("Milvus", "imgsearch-milvus").path("spec");
    assertThat(milvus.path("mode").asText()).isEqualTo("cluster");
    assertThat(milvus.path("components").path("queryNode").path("replicas").asInt())
        .isGreaterThanOrEqualTo(2);
    assertThat(milvus.path("dependencies").path("msgStreamType").asText()).isEqualTo("kafka");
    m.ofKind("KafkaNodePool")
        .forEach(
            np ->
                assertThat(np.path("spec").path("replicas").asInt())
                    .as(Manifest.name(np))
                    .isGreaterThanOrEqualTo(3));
    m.ofKind("KafkaTopic")
        .forEach(
            t ->
                assertThat(t.path("spec").path("replicas").asInt())
                    .as(Manifest.name(t))
                    .isEqualTo(3));
    assertThat(jobManagers(m)).isGreaterThanOrEqualTo(2);
    for (String d : List.of("ingest-stream", "query-api")) {
      assertThat(m.get("Deployment", d).path("spec").path("replicas").asInt())
          .as(d)
          .isGreaterThanOrEqualTo(2);
      assertThat(m.find("PodDisruptionBudget", d)).as(d).isPresent();
    }
    assertThat(m.get("StatefulSet", "minio").path("spec").path("replicas").asInt()).isEqualTo(4);
    assertThat(m.ofKind("Secret")).as("no credentials in the prod manifests").isEmpty();
  }

  /** The embedder's JobManager replicas. */
  private static int jobManagers(Manifest m) {
    return m.get("FlinkDeployment", "imgsearch-embedder")
        .path("spec")
        .path("jobManager")
        .path("replicas")
        .asInt();
  }
}
