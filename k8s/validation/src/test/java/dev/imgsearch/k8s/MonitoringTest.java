package dev.imgsearch.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard and the alerts query only metrics the code or a named exporter emits, and every
 * alert is complete.
 */
class MonitoringTest {

  @Test
  void promqlMetricNamesAreExtracted() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket{job=\"query-api\", status=~\"5..\"}[$__rate_interval])))"))
        .containsExactly("http_server_requests_seconds_bucket");
    assertThat(
            PromQl.metricNames(
                "quantile_over_time(0.99, (max by (namespace) (flink_taskmanager_job_task_operator_currentEmitEventTimeLag >= 0) / 1000)[15m:30s]) > 60"))
        .containsExactly("flink_taskmanager_job_task_operator_currentEmitEventTimeLag");
    assertThat(
            PromQl.metricNames(
                "a:b:rate5m > 5 * avg_over_time(a:b:rate5m[1d] offset 10m) unless on (x) up == 0"))
        .containsExactly("a:b:rate5m", "up");
    assertThat(
            PromQl.metricNames(
                "label_replace(rate(x_total[5m]), \"stage\", \"ingest (stream)\", \"\", \"\") or y"))
        .containsExactly("x_total", "y");
    assertThatThrownBy(() -> PromQl.metricNames(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> PromQl.metricNames("vector(1)")).hasMessageContaining("no metric");
  }

  @Test
  void codeMetricsAreReadFromTheSources() {
    Map<String, String> code = CodeMetrics.codeMetrics();
    assertThat(code)
        .containsKeys(
            "imgsearch_ingest_thread_replacements_total",
            "imgsearch_ingest_dead_letters_total",
            "imgsearch_ingest_events_total",
            "http_server_requests_seconds_bucket",
            "imgsearch_search_latency_seconds_bucket",
            "imgsearch_search_results_count",
            "flink_taskmanager_job_task_operator_imagesEmbedded",
            "flink_taskmanager_job_task_operator_reason_deadLetters",
            "flink_taskmanager_job_task_operator_inferenceMillis",
            "flink_taskmanager_job_task_operator_jpegTurbo",
            "flink_taskmanager_job_task_operator_numRecordsSend",
            "flink_taskmanager_job_task_operator_currentSendTime",
            "flink_taskmanager_job_task_operator_lastCheckpointPersistMillis",
            "flink_taskmanager_job_task_operator_freshnessMs",
            "flink_taskmanager_job_task_operator_freshnessMs_count");
    assertThat(code.get("flink_taskmanager_job_task_operator_freshnessMs"))
        .endsWith("VectorStoreSink.java");
    assertThat(code.get("imgsearch_ingest_thread_replacements_total"))
        .endsWith("IngestMetrics.java");
    // a renamed meter disappears from the list, so a dashboard still using the old name fails
    String renamed =
        "private static final String THREAD_REPLACEMENTS = \"imgsearch.ingest.thread.restarts\";\n"
            + "Counter c = Counter.builder(name); counter(THREAD_REPLACEMENTS, null, null); counter(\"imgsearch.ingest.x\", \"a\", b);";
    assertThat(CodeMetrics.micrometer(renamed))
        .containsExactly("imgsearch_ingest_thread_restarts_total", "imgsearch_ingest_x_total");
    assertThat(
            CodeMetrics.flink(
                "metrics.<Integer, Gauge<Integer>>gauge(\"g\", () -> 1); getMetricGroup().addGroup(\"reason\", r).counter(\"deadLetters\");"
                    + " metrics.histogram(\"h\", new DescriptiveStatisticsHistogram(10));"))
        .containsExactlyInAnyOrder(
            CodeMetrics.FLINK_OPERATOR + "g",
            CodeMetrics.FLINK_OPERATOR + "reason_deadLetters",
            CodeMetrics.FLINK_OPERATOR + "h",
            CodeMetrics.FLINK_OPERATOR + "h_count");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void dashboardIsAConfigMapForTheGrafanaSidecar(String overlay) {
    Manifest m = Overlays.build(overlay);
    JsonNode cm = m.get("ConfigMap", Monitoring.DASHBOARD_CONFIGMAP);
    assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    Map<String, JsonNode> dashboards = Monitoring.dashboards(m);
    assertThat(dashboards).containsKey("imgsearch.json");
    JsonNode d = dashboards.get("imgsearch.json");
    assertThat(d.path("uid").asText()).isEqualTo("imgsearch-overview");
    List<String> titles = Monitoring.panels(d).stream().map(p -> p.path("title").asText()).toList();
    assertThat(titles)
        .contains(
            "Upload → image event (ingest-stream)",
            "Upload → searchable (end to end)",
            "Consumer lag",
            "Dead letters by reason",
            "Model inference per batch",
            "Read → stored (vector store)",
            "Query latency",
            "Query errors",
            "Restarts and replaced threads",
            "Readiness",
            "ingest-stream: events out",
            "embedder: images",
            "indexer sink: vector store writes",
            "query-api: requests by route");
    for (JsonNode p : Monitoring.panels(d)) {
      assertThat(p.path("datasource").path("uid").asText())
          .as(p.path("title").asText())
          .isEqualTo("${datasource}");
      assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void dashboardAndRulesQueryOnlyEmittedMetrics(String overlay) {
    Manifest m = Overlays.build(overlay);
    assertThat(Monitoring.unknownMetrics(m, CodeMetrics.codeMetrics())).isEmpty();
    assertThat(Monitoring.exporterProblems(m)).isEmpty();
    assertThat(Monitoring.scrapeJobs(m))
        .contains("query-api", "ingest-stream", "imgsearch-embedder-metrics");
    assertThat(Monitoring.jobProblems(m)).isEmpty();
    String topology = Repo.read(Monitoring.INGEST_TOPOLOGY);
    assertThat(Monitoring.processorNodeProblems(m, topology)).isEmpty();
    assertThat(
            Monitoring.processorNodeProblems(
                m, topology.replace(".withName(\"image-events\")", ".withName(\"events-out\")")))
        .anySatisfy(p -> assertThat(p).contains("processor node image-events"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theLocalStackExportsFlinkMetricsAsTheFlinkDeploymentDoes(String overlay) {
    Manifest m = Overlays.build(overlay);
    String local = Repo.read(Monitoring.LOCAL_STACK);
    assertThat(Monitoring.localReporterProblems(m, local)).isEmpty();
    assertThat(
            Monitoring.localReporterProblems(
                m, local.replace("PrometheusReporterFactory", "JmxReporterFactory")))
        .anySatisfy(p -> assertThat(p).contains("metrics.reporter.prom.factory.class"));
    assertThat(
            Monitoring.localReporterProblems(
                m, local.replace("FLINK_METRICS_PORT = 9249", "FLINK_METRICS_PORT = 9250")))
        .anySatisfy(p -> assertThat(p).contains("reporter port 9249"));
  }

  @Test
  void aQueryOnAJobNobodyScrapesIsReported() {
    Manifest m =
        withDashboardExpr(
            Overlays.build("dev"),
            "query-api: requests by route",
            "sum by (route) (rate(http_server_requests_seconds_count{job=\"query\"}[5m]))");
    assertThat(Monitoring.jobProblems(m))
        .anySatisfy(
            p -> assertThat(p).contains("query-api: requests by route").contains("job=\"query\""));
  }

  @Test
  void aPanelOnAMetricNobodyEmitsIsReported() {
    Manifest m =
        withDashboardExpr(
            Overlays.build("dev"),
            "Consumer lag",
            "sum(kafka_consumergroup_lag_sum) + sum(rate(imgsearch_ingest_thread_restarts_total[5m]))");
    assertThat(Monitoring.unknownMetrics(m, CodeMetrics.codeMetrics()))
        .anySatisfy(
            p -> assertThat(p).contains("Consumer lag").contains("kafka_consumergroup_lag_sum"))
        .anySatisfy(p -> assertThat(p).contains("imgsearch_ingest_thread_restarts_total"));
    // and a meter the code stops declaring makes the panels that use it fail
    Map<String, String> withoutReplacements = new java.util.TreeMap<>(CodeMetrics.codeMetrics());
    withoutReplacements.remove("imgsearch_ingest_thread_replacements_total");
    assertThat(Monitoring.unknownMetrics(Overlays.build("dev"), withoutReplacements))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("Restarts and replaced threads")
                    .contains("imgsearch_ingest_thread_replacements_total"))
        .anySatisfy(p -> assertThat(p).contains("rule ImgsearchIngestThreadReplaced"));
  }

  @Test
  void consumerLagNeedsTheKafkaExporterDeployedAndScraped() {
    Manifest without =
        edited(
            Overlays.build("dev"),
            "Kafka",
            k -> ((ObjectNode) k.get("spec")).remove("kafkaExporter"));
    assertThat(Monitoring.exporterProblems(without))
        .anySatisfy(p -> assertThat(p).contains("kafkaExporter"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyAlertHasDurationSeverityTextAndRunbook(String overlay) {
    Manifest m = Overlays.build(overlay);
    assertThat(
            Monitoring.rules(m).stream()
                .filter(r -> r.has("alert"))
                .map(r -> r.path("alert").asText())
                .toList())
        .contains(
            "ImgsearchFreshnessP99OverTarget",
            "ImgsearchDeadLetterSpike",
            "ImgsearchConsumerLagGrowing",
            "ImgsearchEmbedderJobRestarting",
            "ImgsearchQueryApiNotReady",
            "ImgsearchIngestThreadReplaced");
    assertThat(AlertChecks.alertProblems(m, Repo.read(AlertChecks.RUNBOOK))).isEmpty();
  }

  @Test
  void anIncompleteAlertIsReported() {
    Manifest broken =
        edited(
            Overlays.build("dev"),
            "PrometheusRule",
            pr -> {
              for (JsonNode g : pr.path("spec").path("groups")) {
                for (JsonNode rule : g.path("rules")) {
                  if (rule.path("alert").asText().equals("ImgsearchIngestThreadReplaced")) {
                    ((ObjectNode) rule).put("for", "ten minutes");
                    ((ObjectNode) rule.path("labels")).put("severity", "page");
                    ((ObjectNode) rule.path("annotations")).remove("summary");
                    ((ObjectNode) rule.path("annotations"))
                        .put("runbook_url", "docs/runbook.md#no-such-section");
                  }
                }
              }
            });
    assertThat(AlertChecks.alertProblems(broken, Repo.read(AlertChecks.RUNBOOK)))
        .anySatisfy(p -> assertThat(p).contains("ImgsearchIngestThreadReplaced").contains("'for'"))
        .anySatisfy(p -> assertThat(p).contains("severity"))
        .anySatisfy(p -> assertThat(p).contains("no summary"))
        .anySatisfy(p -> assertThat(p).contains("no section #no-such-section"));
  }

  private static Manifest withDashboardExpr(Manifest m, String panelTitle, String expr) {
    return edited(
        m,
        "ConfigMap",
        copy -> {
          if (!Manifest.name(copy).equals(Monitoring.DASHBOARD_CONFIGMAP)) {
            return;
          }
          try {
            JsonNode d = Kustomize.YAML.readTree(copy.path("data").path("imgsearch.json").asText());
            for (JsonNode p : Monitoring.panels(d)) {
              if (p.path("title").asText().equals(panelTitle)) {
                ((ObjectNode) p.path("targets").get(0)).put("expr", expr);
              }
            }
            ((ObjectNode) copy.get("data"))
                .set(
                    "imgsearch.json",
                    new TextNode(
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(d)));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** A copy of {@code m} in which {@code edit} has changed every resource of {@code kind}. */
  private static Manifest edited(Manifest m, String kind, Consumer<ObjectNode> edit) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode r : m.resources()) {
      ObjectNode copy = r.deepCopy();
      if (copy.path("kind").asText().equals(kind)) {
        edit.accept(copy);
      }
      out.add(copy);
    }
    return new Manifest(m.overlay(), out);
  }
}
