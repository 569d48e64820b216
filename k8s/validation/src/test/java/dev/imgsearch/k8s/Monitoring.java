package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The observability manifests agree with the code: every metric a dashboard panel or a
 * PrometheusRule queries is one the code declares (Micrometer meters of ingest-stream and
 * query-api, Flink metrics of the embedder and indexer, read from their sources) or one a named
 * exporter emits ({@link #EXPORTER_METRICS}, each with the condition under which it exists). The
 * metric names come from {@link PromQl} and {@link CodeMetrics}; the alerts are checked by {@link
 * AlertChecks}.
 */
final class Monitoring {
  private Monitoring() {}

  static final String DASHBOARD_CONFIGMAP = "imgsearch-grafana-dashboard";

  /**
   * Metrics the code does not declare itself: the frameworks' and exporters' own. Each entry names
   * its source and the code or manifest fact it depends on, which {@link
   * #exporterProblems(Manifest)} checks.
   */
  record External(String source, String requires) {}

  static final Map<String, External> EXPORTER_METRICS =
      new TreeMap<>(
          Map.of(
              "up",
              new External("Prometheus, one per scrape target", "ServiceMonitor"),
              CodeMetrics.FLINK_OPERATOR + "currentEmitEventTimeLag",
              new External(
                  "Flink 2.2 FLIP-33 source metric (emit time − record timestamp) of the embedder's KafkaSource",
                  "KafkaSource"),
              "flink_jobmanager_job_numRestarts",
              new External("Flink JobManager job metric", "FlinkDeployment"),
              "kafka_stream_processor_node_record_e2e_latency_max",
              new External(
                  "Kafka Streams end-to-end latency (recording level INFO) through Micrometer's KafkaStreamsMetrics",
                  "KafkaStreamsMetrics"),
              "kafka_consumergroup_lag",
              new External("Strimzi's Kafka Exporter (danielqsj/kafka_exporter)", "kafkaExporter"),
              "kube_deployment_status_replicas_available",
              new External(
                  "kube-state-metrics (part of kube-prometheus-stack)", "kube-state-metrics"),
              "kube_deployment_spec_replicas",
              new External(
                  "kube-state-metrics (part of kube-prometheus-stack)", "kube-state-metrics")));

  /** The dashboard JSON of the built manifest's ConfigMap (one dashboard per data key). */
  static Map<String, JsonNode> dashboards(Manifest m) {
    JsonNode cm = m.get("ConfigMap", DASHBOARD_CONFIGMAP);
    Map<String, JsonNode> out = new TreeMap<>();
    cm.path("data")
        .fields()
        .forEachRemaining(
            e -> {
              try {
                out.put(e.getKey(), new ObjectMapper().readTree(e.getValue().asText()));
              } catch (IOException ex) {
                throw new AssertionError(
                    DASHBOARD_CONFIGMAP + "/" + e.getKey() + " is not JSON: " + ex.getMessage());
              }
            });
    return out;
  }

  /** Every PromQL expression of the dashboards: "dashboard key / panel title" → expressions. */
  static Map<String, List<String>> dashboardExpressions(Manifest m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    dashboards(m)
        .forEach(
            (key, d) ->
                panels(d)
                    .forEach(
                        p -> {
                          List<String> exprs = new ArrayList<>();
                          p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
                          out.put(key + " / " + p.path("title").asText(), exprs);
                        }));
    return out;
  }

  /**
   * The panels of a dashboard, including those inside collapsed rows; rows themselves are not
   * panels.
   */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      if (p.path("type").asText().equals("row")) {
        p.path("panels").forEach(out::add);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Every rule of the manifest's PrometheusRules. */
  static List<JsonNode> rules(Manifest m) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode pr : m.ofKind("PrometheusRule")) {
      for (JsonNode g : pr.path("spec").path("groups")) {
        g.path("rules").forEach(out::add);
      }
    }
    return out;
  }

  /** The queries of the dashboards and of the rules, by where they stand. */
  static Map<String, List<String>> queries(Manifest m) {
    Map<String, List<String>> queries = new LinkedHashMap<>(dashboardExpressions(m));
    rules(m)
        .forEach(
            r ->
                queries.put(
                    "rule " + r.path(r.has("alert") ? "alert" : "record").asText(),
                    List.of(r.path("expr").asText())));
    return queries;
  }

  static Set<String> recordedNames(Manifest m) {
    Set<String> out = new TreeSet<>();
    rules(m)
        .forEach(
            r -> {
              if (r.has("record")) {
                out.add(r.path("record").asText());
              }
            });
    return out;
  }

  /**
   * Metrics queried by the dashboards and rules that neither the code, the exporters nor a
   * recording rule produce.
   */
  static List<String> unknownMetrics(Manifest m, Map<String, String> codeMetrics) {
    Set<String> known = new TreeSet<>(codeMetrics.keySet());
    known.addAll(EXPORTER_METRICS.keySet());
    known.addAll(recordedNames(m));
    Map<String, List<String>> queries = queries(m);
    List<String> problems = new ArrayList<>();
    queries.forEach(
        (where, exprs) -> {
          if (exprs.isEmpty()) {
            problems.add(where + ": no query");
          }
          for (String e : exprs) {
            try {
              for (String name : PromQl.metricNames(e)) {
                if (!known.contains(name)) {
                  problems.add(
                      where
                          + ": metric "
                          + name
                          + " is emitted by neither the code nor a listed exporter");
                }
              }
            } catch (IllegalArgumentException ex) {
              problems.add(where + ": " + ex.getMessage());
            }
          }
        });
    return problems;
  }

  /**
   * Calls {@code found} with the place (dashboard panel or rule) and the matcher at each match of
   * {@code pattern} in the manifest's queries.
   */
  private static void eachMatch(Manifest m, Pattern pattern, BiConsumer<String, Matcher> found) {
    queries(m)
        .forEach(
            (where, exprs) ->
                exprs.forEach(
                    e -> {
                      Matcher x = pattern.matcher(e);
                      while (x.find()) {
                        found.accept(where, x);
                      }
                    }));
  }

  private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*(=~|=)\\s*\"([^\"]*)\"");

  /**
   * The {@code job} labels of the manifests' scrape targets: the Prometheus Operator names a
   * ServiceMonitor's targets after the Service they come from.
   */
  static Set<String> scrapeJobs(Manifest m) {
    Set<String> jobs = new TreeSet<>();
    for (JsonNode sm : m.ofKind("ServiceMonitor")) {
      for (JsonNode svc : m.ofKind("Service")) {
        if (WiringCrossChecks.matches(
            sm.path("spec").path("selector").path("matchLabels"),
            svc.path("metadata").path("labels"))) {
          jobs.add(Manifest.name(svc));
        }
      }
    }
    return jobs;
  }

  /**
   * {@code job="..."} matchers of the dashboards and rules that no scrape target of the manifests
   * carries.
   */
  static List<String> jobProblems(Manifest m) {
    Set<String> jobs = scrapeJobs(m);
    List<String> problems = new ArrayList<>();
    eachMatch(
        m,
        JOB_MATCHER,
        (where, j) -> {
          String value = j.group(2);
          boolean regex = j.group(1).equals("=~");
          if (regex ? jobs.stream().noneMatch(x -> x.matches(value)) : !jobs.contains(value)) {
            problems.add(
                where
                    + ": job"
                    + j.group(1)
                    + "\""
                    + value
                    + "\" matches no scrape target (jobs: "
                    + jobs
                    + ")");
          }
        });
    return problems;
  }

  static final String INGEST_TOPOLOGY =
      "ingest-stream/src/main/java/dev/imgsearch/ingest/IngestTopology.java";
  private static final Pattern PROCESSOR_NODE =
      Pattern.compile("processor_node_id\\s*=~?\\s*\"([^\"]*)\"");
  private static final Pattern NODE_NAME = Pattern.compile("withName\\(\\s*\"([^\"]+)\"");

  /**
   * {@code processor_node_id} values of the queries that are no named node of ingest-stream's
   * topology.
   */
  static List<String> processorNodeProblems(Manifest m, String topologySource) {
    Set<String> nodes = new TreeSet<>();
    Matcher n = NODE_NAME.matcher(topologySource);
    while (n.find()) {
      nodes.add(n.group(1));
    }
    List<String> problems = new ArrayList<>();
    eachMatch(
        m,
        PROCESSOR_NODE,
        (where, p) -> {
          for (String node : p.group(1).split("\\|")) {
            if (!nodes.contains(node)) {
              problems.add(
                  where
                      + ": processor node "
                      + node
                      + " is not named in "
                      + INGEST_TOPOLOGY
                      + " "
                      + nodes);
            }
          }
        });
    return problems;
  }

  /**
   * The local stack's source, whose MiniCluster must export Flink's metrics as the FlinkDeployment
   * does.
   */
  static final String LOCAL_STACK = "local/cli/src/main/java/dev/imgsearch/cli/LocalStack.java";

  private static final Pattern LOCAL_FLINK_PORT =
      Pattern.compile("FLINK_METRICS_PORT\\s*=\\s*(\\d+)\\s*;");

  /**
   * The local stack configures Flink's Prometheus reporter like the FlinkDeployment (same factory
   * class, same default port), so a local Prometheus scrapes the names the dashboard and alerts
   * use; {@code localStack} is its source.
   */
  static List<String> localReporterProblems(Manifest m, String source) {
    String localStack = source.replaceAll("\\s+", " "); // the formatter may wrap a call's arguments
    List<String> problems = new ArrayList<>();
    List<JsonNode> deployments =
        m.ofKind("FlinkDeployment").stream().map(f -> (JsonNode) f).toList();
    if (deployments.isEmpty()) {
      return List.of("no FlinkDeployment");
    }
    Matcher port = LOCAL_FLINK_PORT.matcher(localStack);
    for (JsonNode f : deployments) {
      JsonNode conf = f.path("spec").path("flinkConfiguration");
      String factory = conf.path("metrics.reporter.prom.factory.class").asText();
      if (factory.isEmpty()
          || !localStack.contains("\"metrics.reporter.prom.factory.class\", \"" + factory + "\"")) {
        problems.add(
            LOCAL_STACK
                + " does not set metrics.reporter.prom.factory.class to "
                + factory
                + " as "
                + Manifest.name(f)
                + " does");
      }
      String k8sPort = conf.path("metrics.reporter.prom.port").asText();
      if (!localStack.contains("\"metrics.reporter.prom.port\"")
          || !port.find()
          || !port.group(1).equals(k8sPort)) {
        problems.add(
            LOCAL_STACK
                + ": FLINK_METRICS_PORT is not the reporter port "
                + k8sPort
                + " of "
                + Manifest.name(f));
      }
      port.reset();
    }
    return problems;
  }

  /**
   * Each exporter metric's condition holds: the code binds it or the manifests deploy and scrape
   * it.
   */
  static List<String> exporterProblems(Manifest m) {
    List<String> problems = new ArrayList<>();
    if (m.ofKind("ServiceMonitor").isEmpty()) {
      problems.add("no ServiceMonitor: up{} has no targets");
    }
    if (!Repo.read("ingest-stream/src/main/java/dev/imgsearch/ingest/IngestApp.java")
        .contains("new KafkaStreamsMetrics(")) {
      problems.add(
          "ingest-stream no longer binds KafkaStreamsMetrics: kafka_stream_* metrics are gone");
    }
    if (!Repo.read("embedder/job/src/main/java/dev/imgsearch/embedder/job/EmbedderJob.java")
        .contains("fromSource(")) {
      problems.add("the embedder reads no FLIP-27 source: currentEmitEventTimeLag is gone");
    }
    if (m.ofKind("FlinkDeployment").stream()
        .noneMatch(
            f ->
                f.path("spec")
                    .path("flinkConfiguration")
                    .path("metrics.reporter.prom.factory.class")
                    .asText()
                    .endsWith("PrometheusReporterFactory"))) {
      problems.add(
          "no FlinkDeployment with the Prometheus reporter: flink_* metrics are not exported");
    }
    boolean exporter =
        m.ofKind("Kafka").stream().anyMatch(k -> k.path("spec").has("kafkaExporter"));
    boolean scraped =
        m.ofKind("PodMonitor").stream()
            .anyMatch(
                p ->
                    p.path("spec")
                        .path("selector")
                        .path("matchLabels")
                        .path("strimzi.io/name")
                        .asText()
                        .endsWith("-kafka-exporter"));
    if (!exporter || !scraped) {
      problems.add(
          "kafka_consumergroup_lag needs spec.kafkaExporter in the Kafka CR ("
              + exporter
              + ") and a PodMonitor selecting its pods ("
              + scraped
              + ")");
    }
    return problems;
  }
}
