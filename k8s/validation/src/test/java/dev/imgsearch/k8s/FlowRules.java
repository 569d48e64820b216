package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.NetworkPolicyRules.ports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link LeastPrivilege} rule of the connections: every flow the stages' configuration implies
 * (Kafka, S3, Milvus, HTTP) is allowed by the NetworkPolicies at both ends.
 */
final class FlowRules {
  private FlowRules() {}

  /** A connection the configuration implies: from pods to pods on a port. */
  record Flow(String what, JsonNode from, JsonNode to, int port, boolean kafkaListener) {}

  static List<Flow> impliedFlows(Manifest m) {
    List<Flow> flows = new ArrayList<>();
    Map<String, JsonNode> pods = WiringCrossChecks.podLabels(m);
    Map<String, JsonNode> operatorPods = WiringCrossChecks.operatorPodLabels(m);
    // ingest-stream
    m.serviceContainer("ingest-stream")
        .ifPresent(
            c -> {
              Map<String, String> o = m.args(c);
              JsonNode from = pods.get("Deployment/ingest-stream");
              addKafka(m, flows, "ingest-stream → Kafka", from, o.get("kafka.bootstrap-servers"));
              addHttp(m, flows, "ingest-stream → S3", from, o.get("s3.endpoint"));
            });
    // the embedder job
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      Map<String, String> o =
          Manifest.options(Manifest.texts(fd.path("spec").path("job").path("args")));
      JsonNode from = pods.get("FlinkDeployment/" + Manifest.name(fd));
      addKafka(m, flows, Manifest.name(fd) + " → Kafka", from, o.get("kafka.bootstrap-servers"));
      addHttp(m, flows, Manifest.name(fd) + " → S3", from, o.get("s3.endpoint"));
      if (!"embedded".equals(o.get("store.kind"))) {
        addHttp(m, flows, Manifest.name(fd) + " → Milvus", from, o.get("milvus.uri"));
      }
    }
    // query-api
    m.serviceContainer("query-api")
        .ifPresent(
            c -> {
              Map<String, String> o = m.args(c);
              JsonNode from = pods.get("Deployment/query-api");
              if (!"embedded".equals(o.get("store.kind"))) {
                addHttp(m, flows, "query-api → Milvus", from, o.get("milvus.uri"));
              }
              addHttp(m, flows, "query-api → S3", from, o.get("s3.endpoint"));
              addKafka(m, flows, "query-api → Kafka", from, o.get("kafka.bootstrap-servers"));
            });
    // MinIO's notifications
    m.find("StatefulSet", "minio")
        .ifPresent(
            s -> {
              Map<String, String> env = m.env(Manifest.container(s, "minio"));
              for (String id : MinioCrossChecks.notifyTargets(m)) {
                addKafka(
                    m,
                    flows,
                    "MinIO notifications → Kafka",
                    pods.get("StatefulSet/minio"),
                    env.get("MINIO_NOTIFY_KAFKA_BROKERS_" + id));
              }
            });
    // the bucket-setup Job
    m.find("Job", "minio-bucket-setup")
        .ifPresent(
            j ->
                addHttp(
                    m,
                    flows,
                    "bucket setup → S3",
                    pods.get("Job/minio-bucket-setup"),
                    m.env(Manifest.container(j, "mc")).get("S3_ENDPOINT")));
    // Milvus → its object store and message stream
    for (ObjectNode milvus : m.ofKind("Milvus")) {
      JsonNode deps = milvus.path("spec").path("dependencies");
      JsonNode from =
          operatorPods.entrySet().stream()
              .filter(
                  e ->
                      e.getKey().startsWith("Milvus/" + Manifest.name(milvus) + "/")
                          && !e.getKey().endsWith("/etcd"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow();
      if (deps.path("storage").path("external").asBoolean()) {
        addHttp(
            m,
            flows,
            "Milvus → S3",
            from,
            "http://" + deps.path("storage").path("endpoint").asText());
      }
      if ("kafka".equals(deps.path("msgStreamType").asText())
          && deps.path("kafka").path("external").asBoolean()) {
        for (JsonNode broker : deps.path("kafka").path("brokerList")) {
          addKafka(m, flows, "Milvus → Kafka", from, broker.asText());
        }
      }
    }
    return flows;
  }

  private static void addKafka(
      Manifest m, List<Flow> flows, String what, JsonNode from, String bootstrap) {
    if (bootstrap == null || from == null) {
      return;
    }
    for (String server : bootstrap.split(",")) {
      String host = server.substring(0, server.lastIndexOf(':'));
      int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
      for (JsonNode k : m.ofKind("Kafka")) {
        if (host.equals(Manifest.name(k) + "-kafka-bootstrap")) {
          WiringCrossChecks.operatorPodLabels(m)
              .forEach(
                  (id, labels) -> {
                    if (id.startsWith("KafkaNodePool/")
                        && labels.path("strimzi.io/broker-role").asText().equals("true")
                        && labels.path("strimzi.io/cluster").asText().equals(Manifest.name(k))) {
                      flows.add(new Flow(what, from, labels, port, true));
                    }
                  });
        }
      }
    }
  }

  private static void addHttp(
      Manifest m, List<Flow> flows, String what, JsonNode from, String uri) {
    if (uri == null || from == null) {
      return;
    }
    URI u = URI.create(uri);
    int port = u.getPort();
    String host = u.getHost();
    var svc = m.find("Service", host);
    if (svc.isPresent()) {
      JsonNode selector = svc.get().path("spec").path("selector");
      for (Map.Entry<String, JsonNode> e : WiringCrossChecks.podLabels(m).entrySet()) {
        if (WiringCrossChecks.matches(selector, e.getValue())) {
          flows.add(
              new Flow(
                  what, from, e.getValue(), targetPort(m, svc.get(), port, e.getKey()), false));
        }
      }
      return;
    }
    for (JsonNode milvus : m.ofKind("Milvus")) {
      if (host.equals(Manifest.name(milvus) + "-milvus")) {
        WiringCrossChecks.operatorPodLabels(m)
            .forEach(
                (id, labels) -> {
                  String component = labels.path("app.kubernetes.io/component").asText();
                  if (id.startsWith("Milvus/" + Manifest.name(milvus) + "/")
                      && (component.equals("proxy") || component.equals("standalone"))) {
                    flows.add(new Flow(what, from, labels, port, false));
                  }
                });
        return;
      }
    }
    throw new AssertionError(
        what
            + ": host "
            + host
            + " is neither a Service of the manifests nor an operator's Service");
  }

  /**
   * The pod port behind a Service port (a numeric targetPort, or a named one looked up in the pod
   * template).
   */
  private static int targetPort(Manifest m, JsonNode svc, int port, String workload) {
    for (JsonNode sp : svc.path("spec").path("ports")) {
      if (sp.path("port").asInt() != port) {
        continue;
      }
      JsonNode target = sp.path("targetPort");
      if (target.isInt()) {
        return target.asInt();
      }
      if (target.isTextual() && !workload.startsWith("FlinkDeployment/")) {
        JsonNode w =
            m.get(
                workload.substring(0, workload.indexOf('/')),
                workload.substring(workload.indexOf('/') + 1));
        for (JsonNode c : Manifest.podSpec(w).path("containers")) {
          for (JsonNode cp : c.path("ports")) {
            if (target.asText().equals(cp.path("name").asText())) {
              return cp.path("containerPort").asInt();
            }
          }
        }
      }
    }
    return port;
  }

  static List<String> flows(Manifest m) {
    List<String> p = new ArrayList<>();
    List<Flow> flows = impliedFlows(m);
    if (flows.isEmpty()) {
      p.add("no flows derived from the manifests' configuration");
    }
    for (Flow f : flows) {
      if (!allowed(m, f.from(), f.to(), f.port(), "egress")) {
        p.add(
            f.what()
                + " (port "
                + f.port()
                + "): no NetworkPolicy of the source allows the egress to "
                + f.to());
      }
      boolean in =
          f.kafkaListener()
              ? listenerAdmits(m, f)
              : allowed(m, f.to(), f.from(), f.port(), "ingress");
      if (!in) {
        p.add(
            f.what()
                + " (port "
                + f.port()
                + "): nothing lets "
                + f.from()
                + " in at "
                + f.to()
                + (f.kafkaListener() ? " (listener networkPolicyPeers)" : ""));
      }
    }
    return p;
  }

  /**
   * Whether the policies selecting {@code self} allow traffic with {@code other} (same namespace)
   * on {@code port}.
   */
  static boolean allowed(Manifest m, JsonNode self, JsonNode other, int port, String direction) {
    String type = direction.equals("ingress") ? "Ingress" : "Egress";
    String field = direction.equals("ingress") ? "from" : "to";
    boolean isolated = false;
    for (JsonNode np : m.ofKind("NetworkPolicy")) {
      JsonNode spec = np.path("spec");
      if (!WiringCrossChecks.matches(spec.path("podSelector").path("matchLabels"), self)
          || !Manifest.texts(spec.path("policyTypes")).contains(type)) {
        continue;
      }
      isolated = true;
      for (JsonNode rule : spec.path(direction)) {
        Set<Integer> ports = ports(rule);
        if (!ports.isEmpty() && !ports.contains(port)) {
          continue;
        }
        for (JsonNode peer : rule.path(field)) {
          if (!peer.has("namespaceSelector")
              && !peer.has("ipBlock")
              && !peer.path("podSelector").path("matchLabels").isEmpty()
              && WiringCrossChecks.matches(peer.path("podSelector").path("matchLabels"), other)) {
            return true;
          }
        }
      }
    }
    return !isolated;
  }

  private static boolean listenerAdmits(Manifest m, Flow f) {
    for (JsonNode k : m.ofKind("Kafka")) {
      for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
        if (l.path("port").asInt() != f.port()) {
          continue;
        }
        for (JsonNode peer : l.path("networkPolicyPeers")) {
          if (!peer.has("namespaceSelector")
              && WiringCrossChecks.matches(peer.path("podSelector").path("matchLabels"), f.from())
              && !peer.path("podSelector").path("matchLabels").isEmpty()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
