package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link LeastPrivilege} rules of the NetworkPolicies: every rule and Kafka listener names its
 * peers, the namespace denies by default (cluster DNS aside), and the embedder's JobManager REST
 * port answers the Flink operator only.
 */
final class NetworkPolicyRules {
  private NetworkPolicyRules() {}

  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  /**
   * Ports of the Kubernetes API server: the only destination an address block may leave open to
   * everything.
   */
  static final Set<Integer> API_SERVER_PORTS = Set.of(443, 6443);

  static final String FLINK_OPERATOR_NAMESPACE = "flink-operator";
  static final int FLINK_REST_PORT = 8081;

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
}
