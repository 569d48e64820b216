package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link CrossChecks} of the wiring between objects: Services, ServiceMonitors, HPAs,
 * PodDisruptionBudgets and NetworkPolicies select what exists, and every Secret referenced is
 * defined (or created by Strimzi or the deploy guide) with the keys used.
 */
final class WiringCrossChecks {
  private WiringCrossChecks() {}

  /**
   * Pod labels per workload; Flink pods carry app=<FlinkDeployment name> (set by the operator) plus
   * the template's.
   */
  static Map<String, JsonNode> podLabels(Manifest m) {
    Map<String, JsonNode> labels = new LinkedHashMap<>();
    for (String kind : List.of("Deployment", "StatefulSet", "Job")) {
      for (ObjectNode w : m.ofKind(kind)) {
        labels.put(
            kind + "/" + Manifest.name(w),
            w.path("spec").path("template").path("metadata").path("labels"));
      }
    }
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      ObjectNode l =
          ((ObjectNode) fd.path("spec").path("podTemplate").path("metadata").path("labels"))
              .deepCopy();
      l.put("app", Manifest.name(fd));
      labels.put("FlinkDeployment/" + Manifest.name(fd), l);
    }
    return labels;
  }

  /**
   * Labels of the pods the operators create from the custom resources (documented pod labels of
   * each operator): Strimzi's Kafka node-pool pods, Entity Operator and Kafka Exporter, the Milvus
   * Operator's Milvus components and its etcd (Helm release {@code <name>-etcd}).
   */
  static Map<String, JsonNode> operatorPodLabels(Manifest m) {
    Map<String, JsonNode> labels = new LinkedHashMap<>();
    for (ObjectNode k : m.ofKind("Kafka")) {
      String cluster = Manifest.name(k);
      for (ObjectNode np : m.ofKind("KafkaNodePool")) {
        if (!cluster.equals(
            np.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
          continue;
        }
        ObjectNode l = Kustomize.YAML.createObjectNode();
        l.put("strimzi.io/cluster", cluster)
            .put("strimzi.io/kind", "Kafka")
            .put("strimzi.io/name", cluster + "-kafka")
            .put("strimzi.io/pool-name", Manifest.name(np));
        for (JsonNode role : np.path("spec").path("roles")) {
          l.put("strimzi.io/" + role.asText() + "-role", "true");
        }
        labels.put("KafkaNodePool/" + Manifest.name(np), l);
      }
      if (k.path("spec").has("entityOperator")) {
        ObjectNode l = Kustomize.YAML.createObjectNode();
        l.put("strimzi.io/cluster", cluster)
            .put("strimzi.io/kind", "Kafka")
            .put("strimzi.io/name", cluster + "-entity-operator");
        labels.put("Kafka/" + cluster + "/entity-operator", l);
      }
      if (k.path("spec").has("kafkaExporter")) {
        ObjectNode l = Kustomize.YAML.createObjectNode();
        l.put("strimzi.io/cluster", cluster)
            .put("strimzi.io/kind", "Kafka")
            .put("strimzi.io/name", cluster + "-kafka-exporter");
        labels.put("Kafka/" + cluster + "/kafka-exporter", l);
      }
    }
    for (ObjectNode milvus : m.ofKind("Milvus")) {
      String name = Manifest.name(milvus);
      boolean standalone = "standalone".equals(milvus.path("spec").path("mode").asText());
      for (String component :
          standalone
              ? List.of("standalone")
              : List.of("proxy", "mixcoord", "datanode", "indexnode", "querynode")) {
        ObjectNode l = Kustomize.YAML.createObjectNode();
        l.put("app.kubernetes.io/instance", name)
            .put("app.kubernetes.io/name", "milvus")
            .put("app.kubernetes.io/component", component);
        labels.put("Milvus/" + name + "/" + component, l);
      }
      ObjectNode etcd = Kustomize.YAML.createObjectNode();
      etcd.put("app.kubernetes.io/instance", name + "-etcd").put("app.kubernetes.io/name", "etcd");
      labels.put("Milvus/" + name + "/etcd", etcd);
    }
    return labels;
  }

  static boolean matches(JsonNode matchLabels, JsonNode labels) {
    if (matchLabels.isMissingNode() || matchLabels.isEmpty()) {
      return true;
    }
    var it = matchLabels.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  static List<String> services(Manifest m) {
    List<String> p = new ArrayList<>();
    Map<String, JsonNode> pods = podLabels(m);
    for (JsonNode svc : m.ofKind("Service")) {
      JsonNode selector = svc.path("spec").path("selector");
      List<String> targets =
          pods.entrySet().stream()
              .filter(e -> matches(selector, e.getValue()))
              .map(Map.Entry::getKey)
              .toList();
      if (targets.isEmpty()) {
        p.add("Service " + Manifest.name(svc) + " selects no pods");
        continue;
      }
      for (JsonNode port : svc.path("spec").path("ports")) {
        JsonNode target = port.path("targetPort");
        if (target.isTextual()) {
          for (String t : targets) {
            if (t.startsWith("FlinkDeployment/")) {
              continue;
            }
            String kind = t.substring(0, t.indexOf('/'));
            JsonNode w = m.get(kind, t.substring(t.indexOf('/') + 1));
            boolean found = false;
            for (JsonNode c : Manifest.podSpec(w).path("containers")) {
              for (JsonNode cp : c.path("ports")) {
                found |= target.asText().equals(cp.path("name").asText());
              }
            }
            if (!found) {
              p.add(
                  "Service "
                      + Manifest.name(svc)
                      + " targets port '"
                      + target.asText()
                      + "' which "
                      + t
                      + " does not name");
            }
          }
        }
      }
    }
    return p;
  }

  static List<String> serviceMonitors(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode sm : m.ofKind("ServiceMonitor")) {
      JsonNode selector = sm.path("spec").path("selector").path("matchLabels");
      List<JsonNode> svcs =
          m.ofKind("Service").stream()
              .map(s -> (JsonNode) s)
              .filter(s -> matches(selector, s.path("metadata").path("labels")))
              .toList();
      if (svcs.isEmpty()) {
        p.add("ServiceMonitor " + Manifest.name(sm) + " selects no Service");
        continue;
      }
      for (JsonNode ep : sm.path("spec").path("endpoints")) {
        String port = ep.path("port").asText();
        for (JsonNode s : svcs) {
          boolean named = s.path("spec").path("ports").findValuesAsText("name").contains(port);
          if (!named) {
            p.add(
                "ServiceMonitor "
                    + Manifest.name(sm)
                    + " scrapes port '"
                    + port
                    + "' that Service "
                    + Manifest.name(s)
                    + " does not name");
          }
        }
        if (!"/metrics".equals(ep.path("path").asText("/metrics"))) {
          p.add(
              "ServiceMonitor "
                  + Manifest.name(sm)
                  + " scrapes "
                  + ep.path("path").asText()
                  + ", the services serve /metrics");
        }
      }
    }
    return p;
  }

  static List<String> selectors(Manifest m) {
    List<String> p = new ArrayList<>();
    Map<String, JsonNode> pods = podLabels(m);
    for (JsonNode hpa : m.ofKind("HorizontalPodAutoscaler")) {
      JsonNode ref = hpa.path("spec").path("scaleTargetRef");
      if (m.find(ref.path("kind").asText(), ref.path("name").asText()).isEmpty()) {
        p.add(
            "HPA "
                + Manifest.name(hpa)
                + " scales "
                + ref.path("kind").asText()
                + "/"
                + ref.path("name").asText()
                + ", which does not exist");
      }
      if (hpa.path("spec").path("minReplicas").asInt(1)
          > hpa.path("spec").path("maxReplicas").asInt()) {
        p.add("HPA " + Manifest.name(hpa) + " minReplicas > maxReplicas");
      }
    }
    Map<String, JsonNode> allPods = new LinkedHashMap<>(pods);
    allPods.putAll(operatorPodLabels(m));
    for (String kind : List.of("PodDisruptionBudget", "NetworkPolicy")) {
      for (JsonNode o : m.ofKind(kind)) {
        JsonNode selector =
            kind.equals("NetworkPolicy")
                ? o.path("spec").path("podSelector").path("matchLabels")
                : o.path("spec").path("selector").path("matchLabels");
        if (allPods.values().stream().noneMatch(l -> matches(selector, l))) {
          p.add(kind + " " + Manifest.name(o) + " selects no pods");
        }
      }
    }
    for (ObjectNode d : m.ofKind("Deployment")) {
      JsonNode selector = d.path("spec").path("selector").path("matchLabels");
      if (!matches(selector, d.path("spec").path("template").path("metadata").path("labels"))) {
        p.add("Deployment " + Manifest.name(d) + " selector does not match its pod template");
      }
    }
    return p;
  }

  /** Non-optional secret references as name → keys. */
  static Map<String, Set<String>> secretReferences(Manifest m) {
    Map<String, Set<String>> refs = new TreeMap<>();
    for (ObjectNode r : m.resources()) {
      for (JsonNode ref : r.findValues("secretKeyRef")) {
        if (!ref.path("optional").asBoolean(false)) {
          refs.computeIfAbsent(ref.path("name").asText(), k -> new TreeSet<>())
              .add(ref.path("key").asText());
        }
      }
    }
    for (JsonNode milvus : m.ofKind("Milvus")) {
      String name =
          milvus.path("spec").path("dependencies").path("storage").path("secretRef").asText("");
      if (!name.isEmpty()) {
        // the Milvus Operator reads these two keys
        refs.computeIfAbsent(name, k -> new TreeSet<>()).addAll(List.of("accesskey", "secretkey"));
      }
    }
    return refs;
  }

  static List<String> secrets(Manifest m) {
    return secrets(m, Repo.read("docs/deploy.md"));
  }

  /** Keys of the Secret Strimzi's User Operator writes for a KafkaUser, by authentication type. */
  static final Map<String, Set<String>> KAFKA_USER_SECRET_KEYS =
      Map.of(
          "scram-sha-512", Set.of("password", "sasl.jaas.config"),
          "tls", Set.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password"));

  static List<String> secrets(Manifest m, String deployGuide) {
    List<String> p = new ArrayList<>();
    Map<String, Set<String>> refs = secretReferences(m);
    // Secrets of KafkaUsers are created by Strimzi, not by the manifests or the deploy guide
    for (ObjectNode user : m.ofKind("KafkaUser")) {
      Set<String> keys = refs.remove(Manifest.name(user));
      if (keys != null) {
        Set<String> written =
            KAFKA_USER_SECRET_KEYS.getOrDefault(
                user.path("spec").path("authentication").path("type").asText(), Set.of());
        for (String key : keys) {
          if (!written.contains(key)) {
            p.add(
                "secret "
                    + Manifest.name(user)
                    + " (of KafkaUser "
                    + Manifest.name(user)
                    + ") has no key "
                    + key
                    + "; Strimzi writes "
                    + written);
          }
        }
      }
    }
    if (m.ofKind("Secret").isEmpty()) {
      // credentials are created out of band: docs/deploy.md must say how, with every key
      // shell continuation lines joined, so that one command is one line
      String doc = deployGuide.replace("\\\n", " ");
      refs.forEach(
          (name, keys) -> {
            Matcher cmd =
                Pattern.compile(
                        "kubectl (?:-n \\S+ )?create secret generic "
                            + Pattern.quote(name)
                            + "([^\\n]*)")
                    .matcher(doc);
            if (!cmd.find()) {
              p.add(
                  "secret "
                      + name
                      + " is referenced but docs/deploy.md has no 'kubectl create secret generic "
                      + name
                      + "'");
              return;
            }
            for (String key : keys) {
              if (!cmd.group(1).contains("--from-literal=" + key + "=")) {
                p.add("docs/deploy.md creates secret " + name + " without key " + key);
              }
            }
          });
    } else {
      refs.forEach(
          (name, keys) -> {
            var secret = m.find("Secret", name);
            if (secret.isEmpty()) {
              p.add("secret " + name + " is referenced but not defined");
              return;
            }
            for (String key : keys) {
              if (!secret.get().path("data").has(key)
                  && !secret.get().path("stringData").has(key)) {
                p.add("secret " + name + " has no key " + key);
              }
            }
          });
    }
    return p;
  }
}
