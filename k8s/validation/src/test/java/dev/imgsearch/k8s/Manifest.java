package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The resources of one built overlay, with the look-ups the cross-checks need. */
record Manifest(String overlay, List<ObjectNode> resources) {

  List<ObjectNode> ofKind(String kind) {
    return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream().filter(r -> name.equals(name(r))).findFirst();
  }

  ObjectNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
  }

  /** The container of Deployment {@code name} that bears its name (ingest-stream, query-api). */
  Optional<JsonNode> serviceContainer(String name) {
    return find("Deployment", name).map(d -> container(d, name));
  }

  /** A container's {@code --name value} args, {@code $(VAR)} expanded from its env. */
  Map<String, String> args(JsonNode container) {
    return options(expand(texts(container.path("args")), env(container)));
  }

  static String name(JsonNode r) {
    return r.path("metadata").path("name").asText();
  }

  /** The pod spec of a Deployment, StatefulSet or Job; the pod template of a FlinkDeployment. */
  static JsonNode podSpec(JsonNode workload) {
    if ("FlinkDeployment".equals(workload.path("kind").asText())) {
      return workload.path("spec").path("podTemplate").path("spec");
    }
    return workload.path("spec").path("template").path("spec");
  }

  static JsonNode container(JsonNode workload, String name) {
    for (JsonNode c : podSpec(workload).path("containers")) {
      if (name.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no container " + name + " in " + name(workload));
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * {@code --name value} pairs as a map (name without the dashes); an odd or dash-less list is an
   * error.
   */
  static Map<String, String> options(List<String> args) {
    Map<String, String> options = new LinkedHashMap<>();
    if (args.size() % 2 != 0) {
      throw new IllegalArgumentException("arguments are not --name value pairs: " + args);
    }
    for (int i = 0; i < args.size(); i += 2) {
      if (!args.get(i).startsWith("--")) {
        throw new IllegalArgumentException("expected --name, got " + args.get(i) + " in " + args);
      }
      if (options.put(args.get(i).substring(2), args.get(i + 1)) != null) {
        throw new IllegalArgumentException("option " + args.get(i) + " given twice");
      }
    }
    return options;
  }

  /**
   * The container's literal environment, with ConfigMap references resolved against this manifest's
   * ConfigMaps and Secret references as {@code <secret:name/key>} placeholders.
   */
  Map<String, String> env(JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
      } else if (e.path("valueFrom").has("configMapKeyRef")) {
        JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
        JsonNode cm = get("ConfigMap", ref.path("name").asText());
        JsonNode value = cm.path("data").path(ref.path("key").asText());
        if (value.isMissingNode()) {
          throw new AssertionError(
              "ConfigMap " + ref.path("name").asText() + " has no key " + ref.path("key").asText());
        }
        env.put(name, value.asText());
      } else if (e.path("valueFrom").has("secretKeyRef")) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        env.put(
            name, "<secret:" + ref.path("name").asText() + "/" + ref.path("key").asText() + ">");
      }
    }
    return env;
  }

  private static final Pattern SECRET_PLACEHOLDER = Pattern.compile("<secret:([^/]+)/[^>]+>");

  /**
   * The Secret named by an {@link #env} value that is a Secret reference; null for any other value.
   */
  static String secretOf(String envValue) {
    if (envValue == null) {
      return null;
    }
    Matcher mm = SECRET_PLACEHOLDER.matcher(envValue);
    return mm.matches() ? mm.group(1) : null;
  }

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /**
   * Kubernetes' $(VAR) expansion of container args; an undefined variable is an error (Kubernetes
   * keeps it verbatim).
   */
  static List<String> expand(List<String> args, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      Matcher m = VAR.matcher(a);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = env.get(m.group(1));
        if (v == null) {
          throw new IllegalArgumentException(
              "$(" + m.group(1) + ") is not defined in the container's env");
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }
}
