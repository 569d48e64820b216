package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.NamedChecks.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Least-privilege rules for the manifests, each a pure function from resources to readable problems
 * (empty: the rule holds):
 *
 * <ul>
 *   <li>{@link NetworkPolicyRules#networkPolicyPeers}: every NetworkPolicy rule and Kafka listener
 *       names its peers: no rule without peers, no {@code {}} peer, no {@code namespaceSelector:
 *       {}}, namespaces by {@code kubernetes.io/metadata.name}, address blocks for everything only
 *       towards the API server ports;
 *   <li>{@link NetworkPolicyRules#defaultDeny}: a default-deny policy (ingress and egress) and
 *       cluster-DNS egress for the namespace;
 *   <li>{@link NetworkPolicyRules#flinkRest}: the embedder's JobManager REST port answers the Flink
 *       operator's namespace only;
 *   <li>{@link FlowRules#flows}: every connection the stages' configuration implies is allowed at
 *       both ends;
 *   <li>{@link PodSecurityRules#podSecurity}: the Pod Security "restricted" fields on every pod
 *       template (and the namespace label);
 *   <li>{@link MinioRules#minio}: no wildcard MinIO policy or built-in policy, one user and policy
 *       per client, each allowing what that client's code does;
 *   <li>{@link KafkaRules#kafka}: authenticated listeners, simple authorization, one KafkaUser per
 *       client with ACLs on its own topics and groups, no wildcards;
 *   <li>{@link MilvusRules#milvus}: Milvus authentication on, and each Milvus client's token from a
 *       Secret of its own.
 * </ul>
 */
final class LeastPrivilege {
  private LeastPrivilege() {}

  static List<String> all(Manifest m) {
    List<String> p = new ArrayList<>();
    run(p, "network policy peers", () -> NetworkPolicyRules.networkPolicyPeers(m));
    run(p, "default deny", () -> NetworkPolicyRules.defaultDeny(m));
    run(p, "flink rest", () -> NetworkPolicyRules.flinkRest(m));
    run(p, "flows", () -> FlowRules.flows(m));
    run(p, "pod security", () -> PodSecurityRules.podSecurity(m));
    run(p, "minio", () -> MinioRules.minio(m));
    run(p, "kafka", () -> KafkaRules.kafka(m));
    run(p, "milvus", () -> MilvusRules.milvus(m));
    return p;
  }
}
