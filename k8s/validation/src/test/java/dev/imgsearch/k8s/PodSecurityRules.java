package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link LeastPrivilege} rule of the pods: the Pod Security "restricted" fields on every pod
 * template, and the namespace label that enforces them.
 */
final class PodSecurityRules {
  private PodSecurityRules() {}

  static List<String> podSecurity(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode ns : m.ofKind("Namespace")) {
      // enforce at least baseline (the Milvus Operator's init container can't meet restricted);
      // warn and audit
      // restricted, so any pod that falls short of it is reported by the API server
      JsonNode labels = ns.path("metadata").path("labels");
      String enforce = labels.path("pod-security.kubernetes.io/enforce").asText("");
      if (!enforce.equals("restricted") && !enforce.equals("baseline")) {
        p.add(
            "Namespace "
                + Manifest.name(ns)
                + " must carry pod-security.kubernetes.io/enforce: baseline or restricted, has '"
                + enforce
                + "'");
      }
      for (String mode : List.of("warn", "audit")) {
        String level = labels.path("pod-security.kubernetes.io/" + mode).asText("");
        if (!level.equals("restricted")) {
          p.add(
              "Namespace "
                  + Manifest.name(ns)
                  + " must carry pod-security.kubernetes.io/"
                  + mode
                  + ": restricted, has '"
                  + level
                  + "'");
        }
      }
    }
    for (String kind :
        List.of("Deployment", "StatefulSet", "Job", "DaemonSet", "CronJob", "FlinkDeployment")) {
      for (JsonNode w : m.ofKind(kind)) {
        JsonNode spec =
            kind.equals("CronJob")
                ? w.path("spec").path("jobTemplate").path("spec").path("template").path("spec")
                : Manifest.podSpec(w);
        p.addAll(restrictedPod(kind + "/" + Manifest.name(w), spec));
      }
    }
    for (JsonNode np : m.ofKind("KafkaNodePool")) {
      p.addAll(
          strimziTemplate(
              "KafkaNodePool/" + Manifest.name(np),
              np.path("spec").path("template"),
              List.of("kafkaContainer")));
    }
    for (JsonNode k : m.ofKind("Kafka")) {
      JsonNode eo = k.path("spec").path("entityOperator");
      if (!eo.isMissingNode()) {
        p.addAll(
            strimziTemplate(
                "Kafka/" + Manifest.name(k) + " entityOperator",
                eo.path("template"),
                Stream.of("topicOperator", "userOperator")
                    .filter(eo::has)
                    .map(op -> op + "Container")
                    .toList()));
      }
      JsonNode ke = k.path("spec").path("kafkaExporter");
      if (!ke.isMissingNode()) {
        p.addAll(
            strimziTemplate(
                "Kafka/" + Manifest.name(k) + " kafkaExporter",
                ke.path("template"),
                List.of("container")));
      }
    }
    for (JsonNode milvus : m.ofKind("Milvus")) {
      JsonNode c = milvus.path("spec").path("components");
      String id = "Milvus/" + Manifest.name(milvus) + " components";
      if (!c.path("runAsNonRoot").asBoolean(false)) {
        p.add(id + ".runAsNonRoot must be true");
      }
      p.addAll(restrictedPodContext(id + ".securityContext", c.path("securityContext")));
      p.addAll(restrictedContainer(id + ".securityContext", c.path("securityContext"), false));
    }
    return p;
  }

  /**
   * A Strimzi component's {@code template}: the pod's security context ({@code template.pod}) and
   * that of each of its {@code containers} ({@code template.<container>}).
   */
  private static List<String> strimziTemplate(
      String id, JsonNode template, List<String> containers) {
    List<String> p =
        new ArrayList<>(
            restrictedPodContext(
                id + " template.pod", template.path("pod").path("securityContext")));
    for (String c : containers) {
      p.addAll(
          restrictedContainer(
              id + " template." + c, template.path(c).path("securityContext"), true));
    }
    return p;
  }

  static List<String> restrictedPod(String id, JsonNode spec) {
    List<String> p = new ArrayList<>();
    JsonNode pod = spec.path("securityContext");
    List<JsonNode> containers = new ArrayList<>();
    spec.path("containers").forEach(containers::add);
    spec.path("initContainers").forEach(containers::add);
    if (containers.isEmpty()) {
      p.add(id + " has no containers");
    }
    for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (spec.path(host).asBoolean(false)) {
        p.add(id + " sets " + host);
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("hostPath")) {
        p.add(id + " mounts hostPath volume " + v.path("name").asText());
      }
    }
    if (pod.path("runAsUser").asLong(-1) == 0) {
      p.add(id + " runs as user 0");
    }
    boolean podNonRoot = pod.path("runAsNonRoot").asBoolean(false);
    boolean podSeccomp = seccompOk(pod);
    for (JsonNode c : containers) {
      String cid = id + " container " + c.path("name").asText();
      JsonNode sc = c.path("securityContext");
      if (!podNonRoot && !sc.path("runAsNonRoot").asBoolean(false)) {
        p.add(cid + ": runAsNonRoot is not true (pod or container)");
      }
      if (!podSeccomp && !seccompOk(sc)) {
        p.add(cid + ": seccompProfile must be RuntimeDefault or Localhost (pod or container)");
      }
      p.addAll(restrictedContainer(cid, sc, true));
    }
    return p;
  }

  private static boolean seccompOk(JsonNode securityContext) {
    String type = securityContext.path("seccompProfile").path("type").asText("");
    return type.equals("RuntimeDefault") || type.equals("Localhost");
  }

  /** The pod-level fields of "restricted": non-root and a seccomp profile. */
  static List<String> restrictedPodContext(String id, JsonNode sc) {
    List<String> p = new ArrayList<>();
    if (!sc.path("runAsNonRoot").asBoolean(false)) {
      p.add(id + ": runAsNonRoot must be true");
    }
    if (!seccompOk(sc)) {
      p.add(id + ": seccompProfile.type must be RuntimeDefault");
    }
    return p;
  }

  /**
   * The container-level fields of "restricted", plus a read-only root file system where the
   * manifests own the image.
   */
  static List<String> restrictedContainer(String id, JsonNode sc, boolean readOnlyRoot) {
    List<String> p = new ArrayList<>();
    if (!sc.path("allowPrivilegeEscalation").isBoolean()
        || sc.path("allowPrivilegeEscalation").asBoolean()) {
      p.add(id + ": allowPrivilegeEscalation must be false");
    }
    if (sc.path("privileged").asBoolean(false)) {
      p.add(id + ": privileged");
    }
    if (!Manifest.texts(sc.path("capabilities").path("drop")).contains("ALL")) {
      p.add(id + ": capabilities.drop must contain ALL");
    }
    for (String add : Manifest.texts(sc.path("capabilities").path("add"))) {
      if (!add.equals("NET_BIND_SERVICE")) {
        p.add(id + ": adds capability " + add);
      }
    }
    if (sc.path("runAsUser").asLong(-1) == 0) {
      p.add(id + ": runs as user 0");
    }
    if (readOnlyRoot && !sc.path("readOnlyRootFilesystem").asBoolean(false)) {
      p.add(id + ": readOnlyRootFilesystem must be true (mount an emptyDir where it writes)");
    }
    return p;
  }
}
