package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The observability manifests agree with the code: every metric a dashboard panel or a
 * PrometheusRule queries is one the code declares (Micrometer meters of ingest-stream and
 * query-api, Flink metrics of the embedder and indexer, read from their sources) or one a named
 * exporter emits ({@link #EXPORTER_METRICS}, each with the condition under which it exists); every
 * alert has a duration, a severity, a summary, a description and a runbook section.
 */
final class Monitoring {
  private Monitoring() {}

  static final String DASHBOARD_CONFIGMAP = "imgsearch-grafana-dashboard";
  static final String RUNBOOK = "docs/runbook.md";

  /**
   * Prefix of the Flink Prometheus reporter for metrics of an operator (the default scope formats).
   */
  static final String FLINK_OPERATOR = "flink_taskmanager_job_task_operator_";

  /** Main source trees whose metrics the manifests may use. */
  static final List<String> MODULES =
      List.of(
          "ingest-stream",
          "query-api",
          "embedder/core",
          "embedder/job",
          "indexer/store",
          "indexer/sink");

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
              FLINK_OPERATOR + "currentEmitEventTimeLag",
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

  /**
   * Flink's standard sink writer metrics (MetricNames), by the SinkWriterMetricGroup method that
   * registers them.
   */
  static final Map<String, String> FLINK_SINK_WRITER_METRICS =
      Map.of(
          "getNumRecordsSendCounter", "numRecordsSend",
          "getNumBytesSendCounter", "numBytesSend",
          "getNumRecordsSendErrorsCounter", "numRecordsSendErrors",
          "setCurrentSendTimeGauge", "currentSendTime");

  // ---------------------------------------------------------------------------------------------------------------
  // PromQL

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "start",
          "end");
  private static final Pattern GRAFANA_INTERVAL =
      Pattern.compile("\\$__(rate_interval|interval|range)");
  private static final Pattern STRINGS =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

  /**
   * The metric names an expression selects (identifiers that are neither functions, keywords nor
   * label names).
   */
  static Set<String> metricNames(String expr) {
    if (expr == null || expr.isBlank()) {
      throw new IllegalArgumentException("empty expression");
    }
    String s = GRAFANA_INTERVAL.matcher(expr).replaceAll("5m");
    s = STRINGS.matcher(s).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isDigit(c)
          || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++; // a number or a duration (5m, 1e3, 0.99)
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '_'
                || s.charAt(i) == ':')) {
          i++;
        }
        String word = s.substring(start, i);
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
          j++;
        }
        boolean function = j < s.length() && s.charAt(j) == '(';
        if (!function && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
          names.add(word);
        }
      } else {
        i++;
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no metric in: " + expr);
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What the code declares

  private static final Pattern MICROMETER_BUILDER =
      Pattern.compile(
          "\\b(Counter|FunctionCounter|Timer|DistributionSummary|Gauge|LongTaskTimer)\\.builder\\(\\s*\"([^\"]+)\"");
  private static final Pattern COUNTER_HELPER =
      Pattern.compile("\\bcounter\\(\\s*(?:\"([^\"]+)\"|([A-Z][A-Z0-9_]*)\\b)");
  private static final Pattern STRING_CONSTANT =
      Pattern.compile("static final String ([A-Z][A-Z0-9_]*)\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern FLINK_METRIC =
      Pattern.compile(
          "(?:addGroup\\(\\s*\"(\\w+)\"\\s*,[^;]*?\\)\\s*\\.\\s*)?(?:<[^;()]*>)?(counter|gauge|meter|histogram)\\(\\s*\"(\\w+)\"");

  /**
   * Prometheus names of the metrics the main sources of {@link #MODULES} declare, with the file
   * that declares each.
   */
  static Map<String, String> codeMetrics() {
    Map<String, String> names = new TreeMap<>();
    for (String module : MODULES) {
      for (Path file : javaSources(Repo.ROOT.resolve(module).resolve("src/main/java"))) {
        String src = read(file);
        String where = Repo.ROOT.relativize(file).toString();
        if (src.contains("import io.micrometer.core.instrument")) {
          micrometer(src).forEach(n -> names.put(n, where));
        }
        if (src.contains("import org.apache.flink.metrics")) {
          flink(src).forEach(n -> names.put(n, where));
        }
      }
    }
    return names;
  }

  /** Micrometer meters of one source file, as the Prometheus registry names them. */
  static Set<String> micrometer(String src) {
    Set<String> out = new TreeSet<>();
    Matcher b = MICROMETER_BUILDER.matcher(src);
    while (b.find()) {
      String base = b.group(2).replace('.', '_');
      switch (b.group(1)) {
        case "Counter", "FunctionCounter" -> out.add(base + "_total");
        case "Timer", "LongTaskTimer" ->
            Stream.of("_count", "_sum", "_max", "_bucket")
                .forEach(s -> out.add(base + "_seconds" + s));
        case "DistributionSummary" ->
            Stream.of("_count", "_sum", "_max", "_bucket").forEach(s -> out.add(base + s));
        default -> out.add(base);
      }
    }
    // a counter(name, ...) helper around Counter.builder(name): literal names and String constants
    if (src.contains("Counter.builder(")) {
      Map<String, String> constants = new LinkedHashMap<>();
      Matcher c = STRING_CONSTANT.matcher(src);
      while (c.find()) {
        constants.put(c.group(1), c.group(2));
      }
      Matcher h = COUNTER_HELPER.matcher(src);
      while (h.find()) {
        String name = h.group(1) != null ? h.group(1) : constants.get(h.group(2));
        if (name != null) {
          out.add(name.replace('.', '_') + "_total");
        }
      }
    }
    return out;
  }

  /** Flink metrics of one source file, as the Prometheus reporter names them for an operator. */
  static Set<String> flink(String src) {
    Set<String> out = new TreeSet<>();
    Matcher m = FLINK_METRIC.matcher(src);
    while (m.find()) {
      String name = (m.group(1) != null ? m.group(1) + "_" : "") + m.group(3);
      out.add(FLINK_OPERATOR + name);
      if (m.group(2).equals("histogram")) {
        out.add(FLINK_OPERATOR + name + "_count");
      }
    }
    FLINK_SINK_WRITER_METRICS.forEach(
        (method, name) -> {
          if (src.contains(method + "(")) {
            out.add(FLINK_OPERATOR + name);
          }
        });
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The manifests

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
              for (String name : metricNames(e)) {
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
    Map<String, List<String>> queries = queries(m);
    List<String> problems = new ArrayList<>();
    queries.forEach(
        (where, exprs) ->
            exprs.forEach(
                e -> {
                  Matcher j = JOB_MATCHER.matcher(e);
                  while (j.find()) {
                    String value = j.group(2);
                    boolean regex = j.group(1).equals("=~");
                    if (regex
                        ? jobs.stream().noneMatch(x -> x.matches(value))
                        : !jobs.contains(value)) {
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
                  }
                }));
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
    Map<String, List<String>> queries = queries(m);
    queries.forEach(
        (where, exprs) ->
            exprs.forEach(
                e -> {
                  Matcher p = PROCESSOR_NODE.matcher(e);
                  while (p.find()) {
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
                  }
                }));
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
    if (!read(Repo.ROOT.resolve("ingest-stream/src/main/java/dev/imgsearch/ingest/IngestApp.java"))
        .contains("new KafkaStreamsMetrics(")) {
      problems.add(
          "ingest-stream no longer binds KafkaStreamsMetrics: kafka_stream_* metrics are gone");
    }
    if (!read(Repo.ROOT.resolve(
            "embedder/job/src/main/java/dev/imgsearch/embedder/job/EmbedderJob.java"))
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

  // ---------------------------------------------------------------------------------------------------------------
  // Alerts

  static final Set<String> SEVERITIES = Set.of("warning", "critical");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

  /**
   * Alert rules without a duration, severity, summary, description or a runbook section that
   * exists.
   */
  static List<String> alertProblems(Manifest m, String runbook) {
    Set<String> anchors = anchors(runbook);
    List<String> problems = new ArrayList<>();
    for (JsonNode r : rules(m)) {
      if (!r.has("alert")) {
        if (!r.path("record").asText().contains(":")) {
          problems.add(
              "recording rule " + r.path("record").asText() + ": name it level:metric:operations");
        }
        continue;
      }
      String a = r.path("alert").asText();
      if (r.path("expr").asText().isBlank()) {
        problems.add(a + ": empty expr");
      }
      if (!DURATION.matcher(r.path("for").asText()).matches()) {
        problems.add(a + ": 'for' is missing or not a duration: '" + r.path("for").asText() + "'");
      }
      if (!SEVERITIES.contains(r.path("labels").path("severity").asText())) {
        problems.add(a + ": severity label must be one of " + SEVERITIES);
      }
      for (String key : List.of("summary", "description", "runbook_url")) {
        if (r.path("annotations").path(key).asText().isBlank()) {
          problems.add(a + ": no " + key + " annotation");
        }
      }
      String url = r.path("annotations").path("runbook_url").asText();
      if (!url.isBlank()) {
        if (!url.startsWith(RUNBOOK + "#")) {
          problems.add(a + ": runbook_url must be " + RUNBOOK + "#<section>, is " + url);
        } else if (!anchors.contains(url.substring(RUNBOOK.length() + 1))) {
          problems.add(
              a + ": " + RUNBOOK + " has no section #" + url.substring(RUNBOOK.length() + 1));
        }
      }
    }
    return problems;
  }

  /**
   * GitHub's anchors of the markdown headings: lower case, punctuation dropped, spaces as dashes.
   */
  static Set<String> anchors(String markdown) {
    Set<String> out = new TreeSet<>();
    Matcher h = HEADING.matcher(markdown);
    while (h.find()) {
      out.add(
          h.group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return out;
  }

  /** The rule groups of the manifest's PrometheusRules as one promtool rule file. */
  static String ruleFile(Manifest m) {
    var root = Kustomize.YAML.createObjectNode();
    var groups = root.putArray("groups");
    m.ofKind("PrometheusRule").forEach(pr -> pr.path("spec").path("groups").forEach(groups::add));
    try {
      return Kustomize.YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static List<Path> javaSources(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no sources under " + dir);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
