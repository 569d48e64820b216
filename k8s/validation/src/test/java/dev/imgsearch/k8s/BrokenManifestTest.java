package dev.imgsearch.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validation fails on broken manifests: each case breaks one thing in a copy of k8s/ and
 * expects a finding (schema, cross-check against the code, or least-privilege rule).
 */
class BrokenManifestTest {

  enum Stage {
    SCHEMA,
    CROSS_CHECK,
    LEAST_PRIVILEGE
  }

  record Breakage(
      String what,
      String file,
      String from,
      String to,
      String overlay,
      Stage stage,
      String expected) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Breakage> breakages() {
    return Stream.of(
        new Breakage(
            "misspelled field in a Deployment",
            "base/query-api/deployment.yaml",
            "imagePullPolicy: IfNotPresent",
            "imagePullPolicie: IfNotPresent",
            "dev",
            Stage.SCHEMA,
            "imagePullPolicie"),
        new Breakage(
            "wrong type in a Service port",
            "base/minio/service.yaml",
            "port: 9001",
            "port: nine-thousand-one",
            "prod",
            Stage.SCHEMA,
            "Service/minio"),
        new Breakage(
            "string partitions in a KafkaTopic",
            "base/kafka/topics.yaml",
            "partitions: 3",
            "partitions: three",
            "prod",
            Stage.SCHEMA,
            "KafkaTopic/dead-letters"),
        new Breakage(
            "unknown field in a Kafka listener",
            "base/kafka/kafka.yaml",
            "tls: false",
            "tls: false\n        tlz: true",
            "prod",
            Stage.SCHEMA,
            "tlz"),
        new Breakage(
            "invalid FlinkDeployment upgradeMode",
            "base/embedder/flink-deployment.yaml",
            "upgradeMode: last-state",
            "upgradeMode: last_state",
            "prod",
            Stage.SCHEMA,
            "FlinkDeployment/imgsearch-embedder"),
        new Breakage(
            "invalid Milvus mode",
            "base/milvus/milvus.yaml",
            "mode: cluster",
            "mode: distributed",
            "prod",
            Stage.SCHEMA,
            "Milvus/imgsearch-milvus"),
        new Breakage(
            "misspelled ServiceMonitor field",
            "base/monitoring/service-monitors.yaml",
            "      interval: 30s\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: ingest-stream",
            "      intervall: 30s\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: ingest-stream",
            "prod",
            Stage.SCHEMA,
            "intervall"),
        new Breakage(
            "misspelled PrometheusRule field",
            "base/monitoring/prometheus-rules.yaml",
            "          for: 10m",
            "          fore: 10m",
            "prod",
            Stage.SCHEMA,
            "fore"),
        new Breakage(
            "Kafka Exporter with an unknown field",
            "base/kafka/kafka.yaml",
            "groupRegex: \"imgsearch-.*\"",
            "groupRegex: \"imgsearch-.*\"\n    groupRegexp: x",
            "dev",
            Stage.SCHEMA,
            "groupRegexp"),
        new Breakage(
            "unknown API version",
            "base/ingest-stream/hpa.yaml",
            "autoscaling/v2",
            "autoscaling/v3",
            "prod",
            Stage.SCHEMA,
            "no schema"),
        new Breakage(
            "topic renamed away from the code's name",
            "base/kafka/topics.yaml",
            "topicName: imgsearch.image-events",
            "topicName: imgsearch.images",
            "prod",
            Stage.CROSS_CHECK,
            "imgsearch.image-events"),
        new Breakage(
            "MinIO publishes to another topic",
            "base/minio/statefulset.yaml",
            "value: imgsearch.minio-events",
            "value: minio-events",
            "prod",
            Stage.CROSS_CHECK,
            "MINIO_NOTIFY_KAFKA_TOPIC_IMGSEARCH"),
        new Breakage(
            "MinIO notification queue without a volume",
            "base/minio/statefulset.yaml",
            "value: /queue",
            "value: /var/queue",
            "dev",
            Stage.CROSS_CHECK,
            "QUEUE_DIR"),
        new Breakage(
            "embedder option the code does not read",
            "base/embedder/flink-deployment.yaml",
            "- --kafka.bootstrap-servers",
            "- --kafka.bootstrap",
            "prod",
            Stage.CROSS_CHECK,
            "kafka.bootstrap"),
        new Breakage(
            "Flink parallelism not dividing the partitions",
            "base/embedder/flink-deployment.yaml",
            "parallelism: 4",
            "parallelism: 5",
            "prod",
            Stage.CROSS_CHECK,
            "does not divide"),
        new Breakage(
            "query-api listens on a port it does not expose",
            "base/query-api/deployment.yaml",
            "- --http.port\n            - \"8080\"",
            "- --http.port\n            - \"8081\"",
            "prod",
            Stage.CROSS_CHECK,
            "http.port"),
        new Breakage(
            "readiness probe on a path the API does not serve",
            "base/query-api/deployment.yaml",
            "path: /readyz",
            "path: /ready",
            "prod",
            Stage.CROSS_CHECK,
            "/ready"),
        new Breakage(
            "ServiceMonitor selecting no Service",
            "base/monitoring/service-monitors.yaml",
            "app.kubernetes.io/name: embedder",
            "app.kubernetes.io/name: embedder-metrics",
            "prod",
            Stage.CROSS_CHECK,
            "selects no Service"),
        new Breakage(
            "ingest HPA above the notification partitions",
            "base/ingest-stream/hpa.yaml",
            "maxReplicas: 12",
            "maxReplicas: 13",
            "prod",
            Stage.CROSS_CHECK,
            "maxReplicas"),
        new Breakage(
            "checkpoints in a bucket nobody creates",
            "base/embedder/flink-deployment.yaml",
            "s3://flink/imgsearch-embedder/checkpoints",
            "s3://checkpoints/imgsearch-embedder",
            "prod",
            Stage.CROSS_CHECK,
            "bucket checkpoints"),
        new Breakage(
            "query-api without API keys",
            "base/query-api/deployment.yaml",
            "- name: IMGSEARCH_QUERY_API_KEYS",
            "- name: QUERY_API_KEYS",
            "prod",
            Stage.CROSS_CHECK,
            "--api-keys"),
        new Breakage(
            "query-api with anonymous access",
            "base/query-api/deployment.yaml",
            "- --content.buckets\n            - images",
            "- --content.buckets\n            - images\n            - --allow-anonymous\n            - \"true\"",
            "prod",
            Stage.CROSS_CHECK,
            "allow-anonymous"),
        new Breakage(
            "query-api serving a bucket nobody indexes",
            "base/query-api/deployment.yaml",
            "- --content.buckets\n            - images",
            "- --content.buckets\n            - flink",
            "prod",
            Stage.CROSS_CHECK,
            "--content.buckets names flink"),
        new Breakage(
            "ingest-stream Kafka user without its password",
            "base/ingest-stream/deployment.yaml",
            "            - name: IMGSEARCH_INGEST_KAFKA_SASL_PASSWORD\n              valueFrom:\n                secretKeyRef:\n"
                + "                  name: kafka-ingest-stream\n                  key: password\n",
            "",
            "prod",
            Stage.CROSS_CHECK,
            "missing option kafka.sasl.password"),
        new Breakage(
            "embedder Kafka password in the job arguments",
            "base/embedder/flink-deployment.yaml",
            "    args:\n      - --kafka.bootstrap-servers\n",
            "    args:\n      - --kafka.sasl.password\n      - hunter2\n      - --kafka.bootstrap-servers\n",
            "prod",
            Stage.CROSS_CHECK,
            "embedder --kafka.sasl.password must come from a Secret"),
        new Breakage(
            "secret reference without a secret",
            "base/query-api/deployment.yaml",
            "name: imgsearch-s3-query\n                  key: secretkey",
            "name: imgsearch-s4\n                  key: secretkey",
            "dev",
            Stage.CROSS_CHECK,
            "imgsearch-s4"),
        // least privilege
        new Breakage(
            "Flink REST open to every namespace",
            "base/embedder/network-policy.yaml",
            "        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: flink-operator",
            "        - namespaceSelector: {}",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "Flink REST port 8081"),
        new Breakage(
            "ingest-stream egress to the wrong Kafka port",
            "base/ingest-stream/network-policy.yaml",
            "port: 9092",
            "port: 9093",
            "dev",
            Stage.LEAST_PRIVILEGE,
            "ingest-stream → Kafka (port 9092): no NetworkPolicy of the source"),
        new Breakage(
            "no default deny",
            "base/network-policies.yaml",
            "  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n",
            "  podSelector: {}\n  policyTypes:\n    - Ingress\n",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "default-deny"),
        new Breakage(
            "Kafka listener without authentication",
            "base/kafka/kafka.yaml",
            "        authentication:\n          type: scram-sha-512\n",
            "",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "has no authentication"),
        new Breakage(
            "KafkaUser missing a topic the embedder writes",
            "base/kafka/users.yaml",
            "operations: [Write, Describe, DescribeConfigs]",
            "operations: [Describe, DescribeConfigs]",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "may not Write topic imgsearch.embeddings"),
        new Breakage(
            "MinIO policy s3:* on every bucket",
            "base/minio/policies.yaml",
            "\"Action\": [\"s3:PutObject\"], \"Resource\": [\"arn:aws:s3:::images/*\"]",
            "\"Action\": [\"s3:*\"], \"Resource\": [\"arn:aws:s3:::*\"]",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "allows s3:*"),
        new Breakage(
            "query-api may write objects",
            "base/minio/policies.yaml",
            "imgsearch-query.json: |\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n"
                + "        {\"Effect\": \"Allow\", \"Action\": [\"s3:GetBucketLocation\"], \"Resource\": [\"arn:aws:s3:::images\"]},\n"
                + "        {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"",
            "imgsearch-query.json: |\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n"
                + "        {\"Effect\": \"Allow\", \"Action\": [\"s3:GetBucketLocation\"], \"Resource\": [\"arn:aws:s3:::images\"]},\n"
                + "        {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "query-api only reads"),
        new Breakage(
            "bucket setup attaches MinIO's readwrite",
            "base/minio/bucket-setup-job.yaml",
            "mc admin policy attach s3 imgsearch-query --user",
            "mc admin policy attach s3 readwrite --user",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "built-in policy readwrite"),
        new Breakage(
            "two clients share a MinIO user",
            "base/query-api/deployment.yaml",
            "name: imgsearch-s3-query\n                  key: accesskey",
            "name: imgsearch-s3-embedder\n                  key: accesskey",
            "dev",
            Stage.LEAST_PRIVILEGE,
            "share the MinIO user"),
        new Breakage(
            "Kafka Exporter container may escalate",
            "base/kafka/kafka.yaml",
            "      container:\n        securityContext:\n          allowPrivilegeEscalation: false",
            "      container:\n        securityContext:\n          allowPrivilegeEscalation: true",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "kafkaExporter template.container"),
        new Breakage(
            "pod template without a seccomp profile",
            "base/ingest-stream/deployment.yaml",
            "        seccompProfile:\n          type: RuntimeDefault\n",
            "",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "Deployment/ingest-stream container ingest-stream: seccompProfile"),
        new Breakage(
            "namespace enforcing no pod security",
            "base/namespace.yaml",
            "pod-security.kubernetes.io/enforce: baseline",
            "pod-security.kubernetes.io/enforce: privileged",
            "dev",
            Stage.LEAST_PRIVILEGE,
            "enforce: baseline or restricted"),
        new Breakage(
            "namespace not warning on restricted",
            "base/namespace.yaml",
            "pod-security.kubernetes.io/warn: restricted",
            "pod-security.kubernetes.io/warn: baseline",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "warn: restricted"),
        new Breakage(
            "query-api may not read the alerts",
            "base/kafka/users.yaml",
            "name: imgsearch.alerts, patternType: literal}\n        operations: [Read, Describe]",
            "name: imgsearch.alerts, patternType: literal}\n        operations: [Describe]",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "query-api: KafkaUser kafka-query-api may not Read topic imgsearch.alerts"),
        new Breakage(
            "embedder's watches source without its consumer group",
            "base/kafka/users.yaml",
            "name: imgsearch-embedder-watches,",
            "name: imgsearch-embedder-rules,",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "may not Read group imgsearch-embedder-watches"),
        new Breakage(
            "query-api cannot reach Kafka",
            "base/query-api/network-policy.yaml",
            "        - port: 9092\n",
            "        - port: 9093\n",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "query-api → Kafka"),
        new Breakage(
            "embedder writes alerts where the API does not read",
            "base/embedder/flink-deployment.yaml",
            "- imgsearch.alerts\n",
            "- imgsearch.alerts-v2\n",
            "prod",
            Stage.CROSS_CHECK,
            "embedder topic.alerts"),
        new Breakage(
            "alerts topic without retention",
            "base/kafka/topics.yaml",
            "topicName: imgsearch.alerts\n  partitions: 3\n  replicas: 3\n  config:\n    retention.ms: 1209600000\n",
            "topicName: imgsearch.alerts\n  partitions: 3\n  replicas: 3\n  config:\n",
            "prod",
            Stage.CROSS_CHECK,
            "imgsearch.alerts needs an explicit positive retention.ms"),
        new Breakage(
            "Milvus without authentication",
            "base/milvus/milvus.yaml",
            "authorizationEnabled: true",
            "authorizationEnabled: false",
            "prod",
            Stage.LEAST_PRIVILEGE,
            "without authentication"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakages")
  void validationReportsTheBreakage(Breakage b, @TempDir Path tmp) {
    Path k8s = editedCopy(tmp, b.file(), b.from(), b.to());
    Manifest m = Overlays.build(k8s, b.overlay());
    List<String> problems =
        switch (b.stage()) {
          case SCHEMA -> Overlays.schemaProblems(m);
          case CROSS_CHECK -> CrossChecks.all(m);
          case LEAST_PRIVILEGE -> LeastPrivilege.all(m);
        };
    assertThat(problems)
        .as(b.what())
        .isNotEmpty()
        .anySatisfy(p -> assertThat(p).contains(b.expected()));
  }

  @Test
  void unbrokenCopyIsClean(@TempDir Path tmp) {
    Path k8s = copyOfK8s(tmp);
    for (String overlay : Overlays.ALL) {
      Manifest m = Overlays.build(k8s, overlay);
      assertThat(Overlays.schemaProblems(m)).isEmpty();
      assertThat(CrossChecks.all(m)).isEmpty();
      assertThat(LeastPrivilege.all(m)).isEmpty();
    }
  }

  @Test
  void prodSecretsMustBeCreatedByTheDeployGuide() {
    Manifest prod = Overlays.build("prod");
    String guide = Repo.read("docs/deploy.md");
    assertThat(WiringCrossChecks.secrets(prod, guide)).isEmpty();
    String withoutS3Secret =
        guide.replace(
            "create secret generic imgsearch-s3-query", "create secret generic imgsearch-other");
    assertThat(WiringCrossChecks.secrets(prod, withoutS3Secret))
        .anySatisfy(p -> assertThat(p).contains("imgsearch-s3-query"));
    String withoutKey = guide.replace("--from-literal=secretkey=", "--from-literal=secret=");
    assertThat(WiringCrossChecks.secrets(prod, withoutKey))
        .anySatisfy(p -> assertThat(p).contains("without key secretkey"));
  }

  @Test
  void buildFailsOnAMissingResourceFile(@TempDir Path tmp) {
    Path k8s =
        editedCopy(
            tmp,
            "base/kustomization.yaml",
            "  - namespace.yaml\n",
            "  - namespace.yaml\n  - missing.yaml\n");
    assertThatThrownBy(() -> Overlays.build(k8s, "dev"))
        .isInstanceOf(Kustomize.BuildFailedException.class)
        .hasMessageContaining("missing.yaml");
  }

  @Test
  void buildFailsOnAPatchWithoutTarget(@TempDir Path tmp) {
    Path k8s =
        editedCopy(
            tmp,
            "overlays/prod/apps.yaml",
            "name: query-api\nspec:\n  replicas: 3",
            "name: query-apis\nspec:\n  replicas: 3");
    assertThatThrownBy(() -> Overlays.build(k8s, "prod"))
        .isInstanceOf(Kustomize.BuildFailedException.class);
  }

  private static Path copyOfK8s(Path tmp) {
    Path target = tmp.resolve("k8s");
    for (String dir : List.of("base", "overlays")) {
      Path src = Repo.k8s().resolve(dir);
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.toList()) {
          Path dest = target.resolve(dir).resolve(src.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(f, dest);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  private static void replace(Path file, String from, String to) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(s).as(file + " contains the text to break").contains(from);
      Files.writeString(
          file,
          s.replaceFirst(
              java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of k8s/ in {@code tmp} whose {@code file} has {@code from} replaced by {@code to}. */
  private static Path editedCopy(Path tmp, String file, String from, String to) {
    Path k8s = copyOfK8s(tmp);
    replace(k8s.resolve(file), from, to);
    return k8s;
  }
}
