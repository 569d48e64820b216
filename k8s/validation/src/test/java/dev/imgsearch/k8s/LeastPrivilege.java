package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.NamedChecks.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.query.watch.WebhookDispatcher;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
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
 * Least-privilege rules for the manifests, each a pure function from resources to readable problems
 * (empty: the rule holds):
 *
 * <ul>
 *   <li>{@link #networkPolicyPeers}: every NetworkPolicy rule and Kafka listener names its peers:
 *       no rule without peers, no {@code {}} peer, no {@code namespaceSelector: {}}, namespaces by
 *       {@code kubernetes.io/metadata.name}, address blocks for everything only towards the API
 *       server ports;
 *   <li>{@link #defaultDeny}: a default-deny policy (ingress and egress) and cluster-DNS egress for
 *       the namespace;
 *   <li>{@link #flinkRest}: the embedder's JobManager REST port answers the Flink operator's
 *       namespace only;
 *   <li>{@link #flows}: every connection the stages' configuration implies is allowed at both ends;
 *   <li>{@link #podSecurity}: the Pod Security "restricted" fields on every pod template (and the
 *       namespace label);
 *   <li>{@link #minio}: no wildcard MinIO policy or built-in policy, one user and policy per
 *       client, each allowing what that client's code does;
 *   <li>{@link #kafka}: authenticated listeners, simple authorization, one KafkaUser per client
 *       with ACLs on its own topics and groups, no wildcards;
 *   <li>{@link #milvus}: Milvus authentication on, and each Milvus client's token from a Secret of
 *       its own.
 * </ul>
 */
final class LeastPrivilege {
  private LeastPrivilege() {}

  static List<String> all(Manifest m) {
    List<String> p = new ArrayList<>();
    run(p, "network policy peers", () -> networkPolicyPeers(m));
    run(p, "default deny", () -> defaultDeny(m));
    run(p, "flink rest", () -> flinkRest(m));
    run(p, "flows", () -> flows(m));
    run(p, "pod security", () -> podSecurity(m));
    run(p, "minio", () -> minio(m));
    run(p, "kafka", () -> kafka(m));
    run(p, "milvus", () -> milvus(m));
    return p;
  }

  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  /**
   * Ports of the Kubernetes API server: the only destination an address block may leave open to
   * everything.
   */
  static final Set<Integer> API_SERVER_PORTS = Set.of(443, 6443);

  static final String FLINK_OPERATOR_NAMESPACE = "flink-operator";
  static final int FLINK_REST_PORT = 8081;

  // --- network policies
  // ----------------------------------------------------------------------------------------

  static List<String> networkPolicyPeers(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode np : m.ofKind("NetworkPolicy")) {
      String id = "NetworkPolicy " + Manifest.name(np);
      for (String[] dir : new String[][] {{"ingress", "from"}, {"egress", "to"}}) {
        int i = 0;
        for (JsonNode rule : np.path("spec").path(dir[0])) {
          String rid = id + " " + dir[0] + "[" + i++ + "]";
          JsonNode peers = rule.path(dir[1]);
          if (peers.isMissingNode() || peers.isEmpty()) {
            p.add(rid + " has no '" + dir[1] + "': it admits everyone; name the peers");
            continue;
          }
          for (JsonNode peer : peers) {
            peerProblem(peer, ports(rule), dir[0].equals("egress"))
                .ifPresent(x -> p.add(rid + ": " + x));
          }
        }
      }
    }
    for (JsonNode k : m.ofKind("Kafka")) {
      for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
        String id = "Kafka " + Manifest.name(k) + " listener " + l.path("name").asText();
        JsonNode peers = l.path("networkPolicyPeers");
        if (peers.isMissingNode() || peers.isEmpty()) {
          p.add(id + " has no networkPolicyPeers: Strimzi then opens the port to everyone");
          continue;
        }
        for (JsonNode peer : peers) {
          peerProblem(peer, Set.of(l.path("port").asInt()), false)
              .ifPresent(x -> p.add(id + ": " + x));
        }
      }
    }
    return p;
  }

  /** Ports of a policy rule; empty: all ports. */
  static Set<Integer> ports(JsonNode rule) {
    Set<Integer> ports = new TreeSet<>();
    rule.path("ports").forEach(port -> ports.add(port.path("port").asInt(-1)));
    return ports;
  }

  static java.util.Optional<String> peerProblem(JsonNode peer, Set<Integer> ports, boolean egress) {
    if (peer.isEmpty()) {
      return java.util.Optional.of("peer {} means everyone");
    }
    if (peer.has("ipBlock")) {
      String cidr = peer.path("ipBlock").path("cidr").asText();
      boolean everything = cidr.endsWith("/0");
      boolean apiServerOnly = egress && !ports.isEmpty() && API_SERVER_PORTS.containsAll(ports);
      if (everything && !apiServerOnly) {
        return java.util.Optional.of(
            "ipBlock "
                + cidr
                + " admits every address (allowed only for egress to the API server ports "
                + API_SERVER_PORTS
                + ")");
      }
      return java.util.Optional.empty();
    }
    JsonNode ns = peer.path("namespaceSelector");
    JsonNode pods = peer.path("podSelector");
    if (!ns.isMissingNode()) {
      if (ns.isEmpty() || ns.path("matchLabels").isEmpty()) {
        return java.util.Optional.of(
            "namespaceSelector "
                + ns
                + " selects every namespace; name one by "
                + NAMESPACE_NAME_LABEL);
      }
      if (!ns.path("matchLabels").has(NAMESPACE_NAME_LABEL)) {
        return java.util.Optional.of(
            "namespaceSelector " + ns + " does not name the namespace by " + NAMESPACE_NAME_LABEL);
      }
      return java.util.Optional.empty();
    }
    if (pods.isEmpty() || pods.path("matchLabels").isEmpty()) {
      return java.util.Optional.of(
          "podSelector " + pods + " selects every pod of the namespace; name the pods by label");
    }
    return java.util.Optional.empty();
  }

  static List<String> defaultDeny(Manifest m) {
    List<String> p = new ArrayList<>();
    boolean deny =
        m.ofKind("NetworkPolicy").stream()
            .anyMatch(
                np -> {
                  JsonNode spec = np.path("spec");
                  Set<String> types = new TreeSet<>(Manifest.texts(spec.path("policyTypes")));
                  return spec.path("podSelector").isEmpty()
                      && types.containsAll(Set.of("Ingress", "Egress"))
                      && spec.path("ingress").isEmpty()
                      && spec.path("egress").isEmpty();
                });
    if (!deny) {
      p.add(
          "no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)");
    }
    boolean dns =
        m.ofKind("NetworkPolicy").stream()
            .anyMatch(
                np ->
                    np.path("spec").path("podSelector").isEmpty()
                        && rules(np, "egress").stream()
                            .anyMatch(
                                r ->
                                    udp53(r)
                                        && peersOf(r, "to").stream()
                                            .anyMatch(
                                                peer ->
                                                    "kube-system"
                                                        .equals(
                                                            peer.path("namespaceSelector")
                                                                .path("matchLabels")
                                                                .path(NAMESPACE_NAME_LABEL)
                                                                .asText()))));
    if (!dns) {
      p.add(
          "no NetworkPolicy lets every pod resolve names (egress UDP 53 to the kube-system namespace)");
    }
    return p;
  }

  private static boolean udp53(JsonNode rule) {
    for (JsonNode port : rule.path("ports")) {
      if (port.path("port").asInt() == 53 && "UDP".equals(port.path("protocol").asText("TCP"))) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> rules(JsonNode np, String direction) {
    List<JsonNode> out = new ArrayList<>();
    np.path("spec").path(direction).forEach(out::add);
    return out;
  }

  private static List<JsonNode> peersOf(JsonNode rule, String field) {
    List<JsonNode> out = new ArrayList<>();
    rule.path(field).forEach(out::add);
    return out;
  }

  /**
   * The Flink JobManager REST API (8081) of the embedder answers the Flink operator's namespace,
   * the embedder's own pods and, only if the query API has a Flink option (it would read the job's
   * state), query-api.
   */
  static List<String> flinkRest(Manifest m) {
    List<String> p = new ArrayList<>();
    boolean queryApiReadsFlink =
        CrossChecks.QUERY_API_OPTIONS.stream().anyMatch(o -> o.startsWith("flink."));
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      JsonNode flinkPods =
          WiringCrossChecks.podLabels(m).get("FlinkDeployment/" + Manifest.name(fd));
      boolean operatorAdmitted = false;
      for (JsonNode np : m.ofKind("NetworkPolicy")) {
        if (!WiringCrossChecks.matches(
            np.path("spec").path("podSelector").path("matchLabels"), flinkPods)) {
          continue;
        }
        for (JsonNode rule : rules(np, "ingress")) {
          Set<Integer> ports = ports(rule);
          if (!ports.isEmpty() && !ports.contains(FLINK_REST_PORT)) {
            continue;
          }
          for (JsonNode peer : peersOf(rule, "from")) {
            String ns =
                peer.path("namespaceSelector")
                    .path("matchLabels")
                    .path(NAMESPACE_NAME_LABEL)
                    .asText("");
            JsonNode podSel = peer.path("podSelector").path("matchLabels");
            if (ns.equals(FLINK_OPERATOR_NAMESPACE) && peer.path("podSelector").isMissingNode()) {
              operatorAdmitted = true;
            } else if (!peer.has("namespaceSelector")
                && !podSel.isEmpty()
                && WiringCrossChecks.matches(podSel, flinkPods)) {
              // the job's own pods
            } else if (queryApiReadsFlink
                && !peer.has("namespaceSelector")
                && !podSel.isEmpty()
                && "query-api".equals(podSel.path("app.kubernetes.io/name").asText())) {
              // query-api reads the job state
            } else {
              p.add(
                  "NetworkPolicy "
                      + Manifest.name(np)
                      + " lets "
                      + peer
                      + " reach the Flink REST port "
                      + FLINK_REST_PORT
                      + " of "
                      + Manifest.name(fd)
                      + "; only namespace "
                      + FLINK_OPERATOR_NAMESPACE
                      + " may"
                      + (queryApiReadsFlink
                          ? " (and query-api)"
                          : " (query-api has no Flink option)"));
            }
          }
        }
      }
      if (!operatorAdmitted) {
        p.add(
            "no NetworkPolicy lets namespace "
                + FLINK_OPERATOR_NAMESPACE
                + " reach the Flink REST port of "
                + Manifest.name(fd)
                + ": the operator could not manage the job");
      }
    }
    return p;
  }

  // --- flows
  // -------------------------------------------------------------------------------------------------

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

  // --- pod security
  // --------------------------------------------------------------------------------------------

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
      JsonNode t = np.path("spec").path("template");
      p.addAll(
          restrictedPodContext(
              "KafkaNodePool/" + Manifest.name(np) + " template.pod",
              t.path("pod").path("securityContext")));
      p.addAll(
          restrictedContainer(
              "KafkaNodePool/" + Manifest.name(np) + " template.kafkaContainer",
              t.path("kafkaContainer").path("securityContext"),
              true));
    }
    for (JsonNode k : m.ofKind("Kafka")) {
      JsonNode eo = k.path("spec").path("entityOperator");
      if (!eo.isMissingNode()) {
        String id = "Kafka/" + Manifest.name(k) + " entityOperator";
        p.addAll(
            restrictedPodContext(
                id + " template.pod", eo.path("template").path("pod").path("securityContext")));
        for (String op : List.of("topicOperator", "userOperator")) {
          if (eo.has(op)) {
            p.addAll(
                restrictedContainer(
                    id + " template." + op + "Container",
                    eo.path("template").path(op + "Container").path("securityContext"),
                    true));
          }
        }
      }
      JsonNode ke = k.path("spec").path("kafkaExporter");
      if (!ke.isMissingNode()) {
        String id = "Kafka/" + Manifest.name(k) + " kafkaExporter";
        p.addAll(
            restrictedPodContext(
                id + " template.pod", ke.path("template").path("pod").path("securityContext")));
        p.addAll(
            restrictedContainer(
                id + " template.container",
                ke.path("template").path("container").path("securityContext"),
                true));
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

  // --- MinIO
  // ---------------------------------------------------------------------------------------------------

  private static final Pattern POLICY_CREATE =
      Pattern.compile("mc admin policy create \\S+ (\\S+) /policies/(\\S+)");
  private static final Pattern POLICY_ATTACH =
      Pattern.compile("mc admin policy attach \\S+ (\\S+) --user \"?\\$\\{?(\\w+)\\}?\"?");

  /** MinIO's built-in policies; each grants its actions on every bucket. */
  static final Set<String> BUILT_IN_POLICIES =
      Set.of("readwrite", "readonly", "writeonly", "diagnostics", "consoleAdmin");

  /**
   * A client of the object store: its name, the Secret of its credentials and what its code must be
   * allowed.
   */
  record S3Client(String name, String secret, List<String[]> needs, boolean readOnly) {}

  static List<S3Client> s3Clients(Manifest m) {
    List<S3Client> clients = new ArrayList<>();
    String images = subscribedBucket(m);
    m.serviceContainer("ingest-stream")
        .ifPresent(
            c -> {
              Map<String, String> o = m.args(c);
              if (o.containsKey("s3.endpoint")) {
                String bucket = o.getOrDefault("frames.bucket", "images");
                clients.add(
                    new S3Client(
                        "ingest-stream",
                        secretOf(m.env(c).get("IMGSEARCH_INGEST_S3_ACCESS_KEY")),
                        List.<String[]>of(new String[] {"s3:PutObject", bucket + "/frame"}),
                        false));
              }
            });
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      JsonNode c = Manifest.container(fd, "flink-main-container");
      Map<String, String> env = m.env(c);
      List<String[]> needs = new ArrayList<>();
      needs.add(new String[] {"s3:GetObject", images + "/image"});
      String checkpoints =
          fd.path("spec").path("flinkConfiguration").path("execution.checkpointing.dir").asText("");
      if (checkpoints.startsWith("s3://")) {
        String path = checkpoints.substring(5) + "/chk-1";
        needs.add(new String[] {"s3:PutObject", path});
        needs.add(new String[] {"s3:GetObject", path});
        needs.add(new String[] {"s3:DeleteObject", path});
        needs.add(new String[] {"s3:ListBucket", path.split("/")[0]});
      }
      clients.add(
          new S3Client(
              Manifest.name(fd),
              secretOf(env.get("IMGSEARCH_EMBEDDER_S3_ACCESS_KEY")),
              needs,
              false));
      String aws = secretOf(env.get("AWS_ACCESS_KEY_ID"));
      if (aws != null && !aws.equals(secretOf(env.get("IMGSEARCH_EMBEDDER_S3_ACCESS_KEY")))) {
        clients.add(new S3Client(Manifest.name(fd) + " (Flink file system)", aws, needs, false));
      }
    }
    m.serviceContainer("query-api")
        .ifPresent(
            c -> {
              clients.add(
                  new S3Client(
                      "query-api",
                      secretOf(m.env(c).get("IMGSEARCH_QUERY_S3_ACCESS_KEY")),
                      List.<String[]>of(new String[] {"s3:GetObject", images + "/image"}),
                      true));
            });
    for (JsonNode milvus : m.ofKind("Milvus")) {
      String secret =
          milvus.path("spec").path("dependencies").path("storage").path("secretRef").asText(null);
      String bucket =
          milvus.path("spec").path("config").path("minio").path("bucketName").asText("milvus");
      clients.add(
          new S3Client(
              "Milvus " + Manifest.name(milvus),
              secret,
              List.<String[]>of(
                  new String[] {"s3:PutObject", bucket + "/segment"},
                      new String[] {"s3:GetObject", bucket + "/segment"},
                  new String[] {"s3:DeleteObject", bucket + "/segment"},
                      new String[] {"s3:ListBucket", bucket}),
              false));
    }
    return clients;
  }

  private static String subscribedBucket(Manifest m) {
    Matcher sub =
        Pattern.compile("mc event add \\S+?/(\\S+) ")
            .matcher(MinioCrossChecks.bucketJobScriptOrEmpty(m));
    return sub.find() ? sub.group(1) : "images";
  }

  private static final Pattern SECRET_PLACEHOLDER = Pattern.compile("<secret:([^/]+)/[^>]+>");

  private static String secretOf(String envValue) {
    if (envValue == null) {
      return null;
    }
    Matcher mm = SECRET_PLACEHOLDER.matcher(envValue);
    return mm.matches() ? mm.group(1) : null;
  }

  /** MinIO policies by name, from the ConfigMap the bucket-setup Job mounts at /policies. */
  static Map<String, JsonNode> minioPolicies(Manifest m) {
    Map<String, JsonNode> policies = new TreeMap<>();
    for (JsonNode cm : m.ofKind("ConfigMap")) {
      cm.path("data")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().endsWith(".json")
                    && e.getValue().asText().contains("\"Statement\"")) {
                  try {
                    policies.put(
                        e.getKey(),
                        new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(e.getValue().asText()));
                  } catch (IOException ex) {
                    throw new UncheckedIOException(
                        "ConfigMap " + Manifest.name(cm) + " " + e.getKey() + " is not JSON", ex);
                  }
                }
              });
    }
    return policies;
  }

  static List<String> minio(Manifest m) {
    List<String> p = new ArrayList<>();
    Map<String, JsonNode> files = minioPolicies(m);
    files.forEach((file, policy) -> p.addAll(policyWildcards(file, policy)));
    String script = MinioCrossChecks.bucketJobScriptOrEmpty(m);
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    Matcher create = POLICY_CREATE.matcher(script);
    while (create.find()) {
      JsonNode policy = files.get(create.group(2));
      if (policy == null) {
        p.add(
            "policy "
                + create.group(1)
                + " is created from /policies/"
                + create.group(2)
                + ", which no ConfigMap defines");
      } else {
        byName.put(create.group(1), policy);
      }
    }
    Map<String, String> jobEnv =
        m.find("Job", "minio-bucket-setup")
            .map(j -> m.env(Manifest.container(j, "mc")))
            .orElse(Map.of());
    Map<String, String> policyOfSecret = new LinkedHashMap<>();
    Matcher attach = POLICY_ATTACH.matcher(script);
    while (attach.find()) {
      String policy = attach.group(1);
      if (BUILT_IN_POLICIES.contains(policy)) {
        p.add(
            "the bucket-setup Job attaches MinIO's built-in policy "
                + policy
                + " (it covers every bucket); attach a policy of the client's own");
        continue;
      }
      if (!byName.containsKey(policy)) {
        p.add("the bucket-setup Job attaches policy " + policy + ", which it does not create");
        continue;
      }
      String secret = secretOf(jobEnv.get(attach.group(2)));
      if (secret == null) {
        p.add(
            "the bucket-setup Job attaches "
                + policy
                + " to $"
                + attach.group(2)
                + ", which is not a Secret's key");
      } else if (policyOfSecret.put(secret, policy) != null) {
        p.add("the user of Secret " + secret + " gets more than one policy");
      }
    }
    Map<String, String> clientOfSecret = new LinkedHashMap<>();
    for (S3Client client : s3Clients(m)) {
      if (client.secret() == null) {
        p.add(client.name() + " has no S3 credentials from a Secret");
        continue;
      }
      String other = clientOfSecret.putIfAbsent(client.secret(), client.name());
      if (other != null && !client.name().startsWith(other)) {
        p.add(
            client.name()
                + " and "
                + other
                + " share the MinIO user of Secret "
                + client.secret()
                + "; give each client its own");
      }
      String policyName = policyOfSecret.get(client.secret());
      if (policyName == null) {
        p.add(
            client.name()
                + ": the bucket-setup Job attaches no policy to the user of Secret "
                + client.secret());
        continue;
      }
      JsonNode policy = byName.get(policyName);
      for (String[] need : client.needs()) {
        if (!allows(policy, need[0], need[1])) {
          p.add(
              client.name()
                  + ": policy "
                  + policyName
                  + " does not allow "
                  + need[0]
                  + " on "
                  + need[1]);
        }
      }
      if (client.readOnly()) {
        for (JsonNode st : statements(policy)) {
          for (String action : strings(st.path("Action"))) {
            if (!action.startsWith("s3:Get") && !action.startsWith("s3:List")) {
              p.add(client.name() + " only reads, but policy " + policyName + " allows " + action);
            }
          }
        }
      }
    }
    return p;
  }

  static List<String> policyWildcards(String name, JsonNode policy) {
    List<String> p = new ArrayList<>();
    for (JsonNode st : statements(policy)) {
      if (!"Allow".equals(st.path("Effect").asText())) {
        continue;
      }
      for (String action : strings(st.path("Action"))) {
        if (action.equals("*") || action.endsWith(":*") || action.startsWith("admin:")) {
          p.add(
              "MinIO policy " + name + " allows " + action + "; list the actions the client uses");
        }
      }
      for (String resource : strings(st.path("Resource"))) {
        String path =
            resource.startsWith("arn:aws:s3:::")
                ? resource.substring("arn:aws:s3:::".length())
                : resource;
        String bucket = path.split("/", 2)[0];
        if (bucket.isEmpty() || bucket.contains("*")) {
          p.add(
              "MinIO policy "
                  + name
                  + " applies to "
                  + resource
                  + " (every bucket); name the bucket");
        }
      }
    }
    return p;
  }

  private static List<JsonNode> statements(JsonNode policy) {
    List<JsonNode> out = new ArrayList<>();
    policy.path("Statement").forEach(out::add);
    return out;
  }

  private static List<String> strings(JsonNode n) {
    if (n.isTextual()) {
      return List.of(n.asText());
    }
    return Manifest.texts(n);
  }

  /**
   * Whether an Allow statement grants {@code action} on {@code bucket/key} (or on the bucket
   * itself).
   */
  static boolean allows(JsonNode policy, String action, String path) {
    for (JsonNode st : statements(policy)) {
      if (!"Allow".equals(st.path("Effect").asText())) {
        continue;
      }
      boolean actionOk = strings(st.path("Action")).stream().anyMatch(a -> glob(a, action));
      boolean resourceOk =
          strings(st.path("Resource")).stream().anyMatch(r -> glob(r, "arn:aws:s3:::" + path));
      if (actionOk && resourceOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean glob(String pattern, String text) {
    return text.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
  }

  // --- Kafka
  // ---------------------------------------------------------------------------------------------------

  /**
   * A Kafka client: its name, the KafkaUser it authenticates as, and the ACLs its configuration
   * needs.
   */
  record KafkaClient(String name, String user, String passwordSecret, List<String[]> needs) {}

  static List<KafkaClient> kafkaClients(Manifest m) {
    List<KafkaClient> clients = new ArrayList<>();
    m.serviceContainer("ingest-stream")
        .ifPresent(
            c -> {
              Map<String, String> env = m.env(c);
              Map<String, String> o = m.args(c);
              String app = o.getOrDefault("application.id", "imgsearch-ingest");
              List<String[]> needs = new ArrayList<>();
              needs.add(
                  new String[] {
                    "topic",
                    o.getOrDefault("topic.notifications", Topics.NOTIFICATIONS.name()),
                    "Read"
                  });
              if (o.containsKey("s3.endpoint")) {
                needs.add(
                    new String[] {
                      "topic", o.getOrDefault("topic.raw-frames", Topics.RAW_FRAMES.name()), "Read"
                    });
              }
              needs.add(
                  new String[] {
                    "topic",
                    o.getOrDefault("topic.image-events", Topics.IMAGE_EVENTS.name()),
                    "Write"
                  });
              needs.add(
                  new String[] {
                    "topic",
                    o.getOrDefault("topic.dead-letters", Topics.DEAD_LETTERS.name()),
                    "Write"
                  });
              needs.add(new String[] {"topic", app + "-store-changelog", "Create"});
              needs.add(new String[] {"topic", app + "-store-changelog", "Write"});
              needs.add(new String[] {"group", app, "Read"});
              if ("exactly_once_v2".equals(o.get("processing.guarantee"))) {
                needs.add(
                    new String[] {
                      "transactionalId", app + "-00000000-0000-0000-0000-000000000000-0", "Write"
                    });
              }
              clients.add(
                  new KafkaClient(
                      "ingest-stream",
                      env.get("IMGSEARCH_INGEST_KAFKA_SASL_USERNAME"),
                      secretOf(env.get("IMGSEARCH_INGEST_KAFKA_SASL_PASSWORD")),
                      needs));
            });
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      Map<String, String> env = m.env(Manifest.container(fd, "flink-main-container"));
      Map<String, String> o =
          Manifest.options(Manifest.texts(fd.path("spec").path("job").path("args")));
      List<String[]> needs = new ArrayList<>();
      needs.add(
          new String[] {
            "topic", o.getOrDefault("topic.image-events", Topics.IMAGE_EVENTS.name()), "Read"
          });
      needs.add(
          new String[] {
            "topic", o.getOrDefault("topic.dead-letters", Topics.DEAD_LETTERS.name()), "Write"
          });
      String embeddings = o.getOrDefault("topic.embeddings", Topics.EMBEDDINGS.name());
      if (!embeddings.equalsIgnoreCase("none") && !embeddings.isBlank()) {
        needs.add(new String[] {"topic", embeddings, "Write"});
        needs.add(new String[] {"topic", embeddings, "DescribeConfigs"});
      }
      String group = o.getOrDefault("kafka.group-id", "imgsearch-embedder");
      needs.add(new String[] {"group", group, "Read"});
      String watches = o.get("topic.watches");
      if (watches != null && !watches.equalsIgnoreCase("none")) {
        // Watching: the watches topic through a source of its own group; alerts out
        needs.add(new String[] {"topic", watches, "Read"});
        needs.add(new String[] {"group", group + "-watches", "Read"});
        needs.add(new String[] {"topic", o.get("topic.alerts"), "Write"});
      }
      clients.add(
          new KafkaClient(
              Manifest.name(fd),
              env.get("IMGSEARCH_EMBEDDER_KAFKA_SASL_USERNAME"),
              secretOf(env.get("IMGSEARCH_EMBEDDER_KAFKA_SASL_PASSWORD")),
              needs));
    }
    m.serviceContainer("query-api")
        .ifPresent(
            c -> {
              Map<String, String> env = m.env(c);
              Map<String, String> o = m.args(c);
              if (o.get("kafka.bootstrap-servers") == null) {
                return;
              }
              // KafkaWatchLog writes watches; the view and the alert feed read by assignment (no
              // group)
              String watches = o.getOrDefault("topic.watches", Topics.WATCHES.name());
              String alerts = o.getOrDefault("topic.alerts", Topics.ALERTS.name());
              List<String[]> needs = new ArrayList<>();
              needs.add(new String[] {"topic", watches, "Write"});
              needs.add(new String[] {"topic", watches, "Read"});
              needs.add(new String[] {"topic", alerts, "Read"});
              if (!o.getOrDefault(WebhookSettings.ALLOWED_HOSTS_OPTION, "").isBlank()) {
                // webhooks on: the replicas share the alerts topic through one consumer group
                needs.add(new String[] {"group", WebhookDispatcher.GROUP_ID, "Read"});
              }
              clients.add(
                  new KafkaClient(
                      "query-api",
                      env.get("IMGSEARCH_QUERY_KAFKA_SASL_USERNAME"),
                      secretOf(env.get("IMGSEARCH_QUERY_KAFKA_SASL_PASSWORD")),
                      needs));
            });
    m.find("StatefulSet", "minio")
        .ifPresent(
            s -> {
              Map<String, String> env = m.env(Manifest.container(s, "minio"));
              for (String id : MinioCrossChecks.notifyTargets(m)) {
                clients.add(
                    new KafkaClient(
                        "MinIO notification target " + id,
                        env.get("MINIO_NOTIFY_KAFKA_SASL_USERNAME_" + id),
                        secretOf(env.get("MINIO_NOTIFY_KAFKA_SASL_PASSWORD_" + id)),
                        List.<String[]>of(
                            new String[] {
                              "topic", env.get("MINIO_NOTIFY_KAFKA_TOPIC_" + id), "Write"
                            })));
              }
            });
    return clients;
  }

  static List<String> kafka(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode k : m.ofKind("Kafka")) {
      JsonNode kafka = k.path("spec").path("kafka");
      for (JsonNode l : kafka.path("listeners")) {
        if (l.path("authentication").path("type").asText("").isEmpty()) {
          p.add(
              "Kafka "
                  + Manifest.name(k)
                  + " listener "
                  + l.path("name").asText()
                  + " (port "
                  + l.path("port").asInt()
                  + ") has no authentication: anyone who reaches it may read and write every topic");
        }
      }
      if (kafka.path("authorization").path("type").asText("").isEmpty()) {
        p.add(
            "Kafka "
                + Manifest.name(k)
                + " has no authorization: authenticated users may do everything");
      }
    }
    Map<String, JsonNode> users = new LinkedHashMap<>();
    for (JsonNode u : m.ofKind("KafkaUser")) {
      users.put(Manifest.name(u), u);
      for (JsonNode acl : u.path("spec").path("authorization").path("acls")) {
        JsonNode r = acl.path("resource");
        String id =
            "KafkaUser "
                + Manifest.name(u)
                + " ACL on "
                + r.path("type").asText()
                + " "
                + r.path("name").asText("");
        if ("*".equals(r.path("name").asText())
            || (r.path("name").asText("").isEmpty()
                && !"cluster".equals(r.path("type").asText()))) {
          p.add(id + ": every resource; name the topic or group");
        }
        List<String> ops = operations(acl);
        if (ops.contains("All")) {
          p.add(id + ": operation All; list the operations the client uses");
        }
        if ("cluster".equals(r.path("type").asText())
            && ops.stream().anyMatch(o -> !o.equals("IdempotentWrite"))) {
          p.add(id + ": cluster operations " + ops);
        }
      }
    }
    Map<String, String> clientOfUser = new LinkedHashMap<>();
    for (KafkaClient client : kafkaClients(m)) {
      if (client.user() == null || !users.containsKey(client.user())) {
        p.add(
            client.name()
                + " authenticates as Kafka user '"
                + client.user()
                + "', which no KafkaUser defines");
        continue;
      }
      if (!client.user().equals(client.passwordSecret())) {
        p.add(
            client.name()
                + " reads its Kafka password from Secret "
                + client.passwordSecret()
                + ", not from its user's Secret "
                + client.user());
      }
      String other = clientOfUser.putIfAbsent(client.user(), client.name());
      if (other != null) {
        p.add(client.name() + " and " + other + " share the Kafka user " + client.user());
      }
      JsonNode user = users.get(client.user());
      for (String[] need : client.needs()) {
        if (!aclAllows(user, need[0], need[1], need[2])) {
          p.add(
              client.name()
                  + ": KafkaUser "
                  + client.user()
                  + " may not "
                  + need[2]
                  + " "
                  + need[0]
                  + " "
                  + need[1]);
        }
      }
    }
    return p;
  }

  private static List<String> operations(JsonNode acl) {
    List<String> ops = new ArrayList<>(Manifest.texts(acl.path("operations")));
    if (acl.has("operation")) {
      ops.add(acl.path("operation").asText());
    }
    return ops;
  }

  static boolean aclAllows(JsonNode user, String type, String name, String operation) {
    for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
      JsonNode r = acl.path("resource");
      if (!type.equals(r.path("type").asText())
          || "deny".equalsIgnoreCase(acl.path("type").asText("allow"))) {
        continue;
      }
      String n = r.path("name").asText("");
      boolean nameOk =
          "prefix".equals(r.path("patternType").asText("literal"))
              ? name.startsWith(n)
              : name.equals(n);
      List<String> ops = operations(acl);
      if (nameOk && (ops.contains(operation) || ops.contains("All"))) {
        return true;
      }
    }
    return false;
  }

  // --- Milvus
  // --------------------------------------------------------------------------------------------------

  static List<String> milvus(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode milvus : m.ofKind("Milvus")) {
      JsonNode enabled =
          milvus
              .path("spec")
              .path("config")
              .path("common")
              .path("security")
              .path("authorizationEnabled");
      if (!enabled.asBoolean(false) && !"true".equals(enabled.asText())) {
        p.add(
            "Milvus "
                + Manifest.name(milvus)
                + " runs without authentication (spec.config.common.security.authorizationEnabled)");
      }
    }
    if (m.ofKind("Milvus").isEmpty()) {
      return p;
    }
    Map<String, String> clientOfSecret = new LinkedHashMap<>();
    List<Object[]> clients = new ArrayList<>();
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      if (!"embedded"
          .equals(
              Manifest.options(Manifest.texts(fd.path("spec").path("job").path("args")))
                  .get("store.kind"))) {
        clients.add(
            new Object[] {
              Manifest.name(fd),
              Manifest.container(fd, "flink-main-container"),
              "IMGSEARCH_EMBEDDER_MILVUS_TOKEN"
            });
      }
    }
    m.find("Deployment", "query-api")
        .ifPresent(
            d ->
                clients.add(
                    new Object[] {
                      "query-api",
                      Manifest.container(d, "query-api"),
                      "IMGSEARCH_QUERY_MILVUS_TOKEN"
                    }));
    for (Object[] c : clients) {
      String who = (String) c[0];
      JsonNode ref = null;
      for (JsonNode e : ((JsonNode) c[1]).path("env")) {
        if (c[2].equals(e.path("name").asText())) {
          ref = e.path("valueFrom").path("secretKeyRef");
        }
      }
      if (ref == null || ref.isMissingNode()) {
        p.add(who + " gets no Milvus token from a Secret (env " + c[2] + ")");
        continue;
      }
      if (ref.path("optional").asBoolean(false)) {
        p.add(
            who
                + ": the Milvus token Secret "
                + ref.path("name").asText()
                + " is optional; with authentication on it is required");
      }
      String other = clientOfSecret.putIfAbsent(ref.path("name").asText(), who);
      if (other != null) {
        p.add(
            who
                + " and "
                + other
                + " share the Milvus token of Secret "
                + ref.path("name").asText()
                + "; give each client its own user");
      }
    }
    return p;
  }
}
