package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.NamedChecks.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the manifests agree with the code and with themselves: topic names, option names and
 * values, env var names, ports, probe paths, selectors, bucket names, secret references. Each check
 * adds readable problems; an empty list means the manifest is consistent. {@link #all} runs them
 * all: {@link KafkaCrossChecks}, {@link MinioCrossChecks}, {@link StageCrossChecks} and {@link
 * WiringCrossChecks}; this class holds what they share (what the code declares, the endpoints
 * ConfigMap, the stages' effective options and probes).
 */
final class CrossChecks {
  private CrossChecks() {}

  /** Every topic the code declares in {@link Topics}. */
  static Map<String, String> codeTopics() {
    Map<String, String> topics = new TreeMap<>();
    for (java.lang.reflect.Field f : Topics.class.getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
          && f.getType() == Topics.Topic.class) {
        try {
          topics.put(f.getName(), ((Topics.Topic<?, ?>) f.get(null)).name());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return topics;
  }

  /**
   * Options of the query-api launcher (the entrypoint contract in docs/deploy.md), read from the
   * code.
   */
  static final Set<String> QUERY_API_OPTIONS =
      dev.imgsearch.query.server.QueryServerSettings.OPTIONS;

  /**
   * The environment variable of an option: the stage's own {@code envName(String)} where the code
   * has one, else the same convention with the stage's prefix (IMGSEARCH_INGEST_,
   * IMGSEARCH_EMBEDDER_, IMGSEARCH_QUERY_ + upper case, '.' and '-' as '_'; the launcher contract
   * in docs/deploy.md).
   */
  static String envName(Class<?> settings, String prefix, String option) {
    if (settings != null) {
      try {
        return (String) settings.getMethod("envName", String.class).invoke(null, option);
      } catch (NoSuchMethodException e) {
        // fall through to the convention
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return prefix + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static final String QUERY_API = "query-api/src/main/java/dev/imgsearch/query/QueryApi.java";
  static final String INGEST_HTTP =
      "ingest-stream/src/main/java/dev/imgsearch/ingest/MetricsServer.java";

  private static final Pattern ROUTE = Pattern.compile("app\\.get\\(\\s*\"([^\"]+)\"");
  private static final Pattern CONTEXT = Pattern.compile("createContext\\(\\s*\"([^\"]+)\"");

  static Set<String> queryApiGetRoutes() {
    return matches(ROUTE, Repo.read(QUERY_API));
  }

  static Set<String> ingestHttpRoutes() {
    return matches(CONTEXT, Repo.read(INGEST_HTTP));
  }

  private static Set<String> matches(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static List<String> all(Manifest m) {
    List<String> problems = new ArrayList<>();
    run(problems, "topics", () -> KafkaCrossChecks.topics(m));
    run(problems, "kafka bootstrap", () -> KafkaCrossChecks.kafkaBootstrap(m));
    run(problems, "minio notifications", () -> MinioCrossChecks.minioNotifications(m));
    run(problems, "buckets", () -> MinioCrossChecks.buckets(m));
    run(problems, "ingest-stream", () -> StageCrossChecks.ingestStream(m));
    run(problems, "embedder", () -> StageCrossChecks.embedder(m));
    run(problems, "query-api", () -> StageCrossChecks.queryApi(m));
    run(problems, "services", () -> WiringCrossChecks.services(m));
    run(problems, "service monitors", () -> WiringCrossChecks.serviceMonitors(m));
    run(problems, "selectors", () -> WiringCrossChecks.selectors(m));
    run(problems, "secrets", () -> WiringCrossChecks.secrets(m));
    return problems;
  }

  /** A value of the ConfigMap imgsearch-endpoints the stages read their addresses from. */
  static String endpoint(Manifest m, String key) {
    JsonNode v = m.get("ConfigMap", "imgsearch-endpoints").path("data").path(key);
    if (v.isMissingNode()) {
      throw new AssertionError("ConfigMap imgsearch-endpoints has no " + key);
    }
    return v.asText();
  }

  // --- shared by the stage checks
  // ----------------------------------------------------------------------------------------------------

  /**
   * Container args with $(VAR) expanded, as options; IMGSEARCH_* env vars added under their option
   * names.
   */
  static Map<String, String> effectiveOptions(
      Manifest m,
      JsonNode container,
      List<String> args,
      Set<String> known,
      Class<?> settings,
      String envPrefix,
      List<String> problems) {
    Map<String, String> env = m.env(container);
    Map<String, String> options = new LinkedHashMap<>(Manifest.options(Manifest.expand(args, env)));
    Map<String, String> byEnvName = new HashMap<>();
    known.forEach(o -> byEnvName.put(envName(settings, envPrefix, o), o));
    env.forEach(
        (k, v) -> {
          if (k.startsWith(envPrefix)) {
            String option = byEnvName.get(k);
            if (option == null) {
              problems.add("env " + k + " matches no option of " + known);
            } else {
              options.putIfAbsent(option, v);
            }
          }
        });
    return options;
  }

  static void onlyKnown(
      Map<String, String> options, Set<String> known, String who, List<String> p) {
    for (String o : options.keySet()) {
      if (!known.contains(o)) {
        p.add(who + " option --" + o + " is not read by the code (known: " + known + ")");
      }
    }
  }

  static int httpPort(JsonNode container) {
    for (JsonNode port : container.path("ports")) {
      if ("http".equals(port.path("name").asText())) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError(
        "container " + container.path("name").asText() + " has no port named http");
  }

  static List<String> probes(
      JsonNode container, Set<String> routes, String liveness, String readiness, String who) {
    List<String> p = new ArrayList<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = container.path(probe).path("httpGet");
      if (get.isMissingNode()) {
        p.add(who + " has no HTTP " + probe);
        continue;
      }
      if (routes != null && !routes.contains(get.path("path").asText())) {
        p.add(
            who + " " + probe + " path " + get.path("path").asText() + " is not a route " + routes);
      }
      if (!"http".equals(get.path("port").asText())) {
        p.add(who + " " + probe + " must use the named port http");
      }
    }
    String live = container.path("livenessProbe").path("httpGet").path("path").asText();
    String ready = container.path("readinessProbe").path("httpGet").path("path").asText();
    if (!liveness.equals(live) || !readiness.equals(ready)) {
      p.add(
          who
              + ": liveness must be "
              + liveness
              + " and readiness "
              + readiness
              + ", are "
              + live
              + " and "
              + ready);
    }
    return p;
  }
}
