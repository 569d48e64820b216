package dev.imgsearch.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metrics the code declares: Micrometer meters of ingest-stream and query-api, Flink metrics of
 * the embedder and indexer, read from the main sources of {@link #MODULES} by their Prometheus
 * names.
 */
final class CodeMetrics {
  private CodeMetrics() {}

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
   * Flink's standard sink writer metrics (MetricNames), by the SinkWriterMetricGroup method that
   * registers them.
   */
  static final Map<String, String> FLINK_SINK_WRITER_METRICS =
      Map.of(
          "getNumRecordsSendCounter", "numRecordsSend",
          "getNumBytesSendCounter", "numBytesSend",
          "getNumRecordsSendErrorsCounter", "numRecordsSendErrors",
          "setCurrentSendTimeGauge", "currentSendTime");

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
        String src = Repo.read(file);
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
}
