package dev.imgsearch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each least-privilege rule fails on a deliberately bad manifest snippet and passes on a good one
 * (the real overlays are checked in {@link ManifestsTest}; breakages of the real files in {@link
 * BrokenManifestTest}).
 */
class LeastPrivilegeTest {

  static Manifest of(String yaml) {
    try {
      return new Manifest("snippet", Kustomize.parse(yaml));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * A NetworkPolicy {@code name} for the pods labelled {@code app: <app>} with one list of Ingress
   * or Egress rules.
   */
  static String networkPolicy(String name, String app, String type, String rules) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: %s
        spec:
          podSelector:
            matchLabels:
              app: %s
          policyTypes: [%s]
          %s:
        """
            .formatted(name, app, type, type.toLowerCase(java.util.Locale.ROOT))
        + rules.indent(4);
  }

  static String policy(String ingressRule) {
    return networkPolicy("p", "x", "Ingress", ingressRule);
  }

  @Nested
  class NetworkPolicyPeers {
    static Stream<Arguments> peersAdmittingTooMuch() {
      return Stream.of(
          Arguments.of(
              "a bare namespace selector",
              """
              - from:
                  - namespaceSelector: {}
                ports:
                  - port: 8081
              """,
              "selects every namespace"),
          Arguments.of("an empty peer", "- from:\n    - {}\n", "everyone"),
          Arguments.of("a rule without peers", "- ports:\n    - port: 8080\n", "admits everyone"),
          Arguments.of(
              "an empty pod selector",
              "- from:\n    - podSelector: {}\n",
              "every pod of the namespace"),
          Arguments.of(
              "a namespace chosen by another label",
              "- from:\n    - namespaceSelector:\n        matchLabels:\n          team: ops\n",
              "kubernetes.io/metadata.name"));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("peersAdmittingTooMuch")
    void peerAdmittingTooMuchIsRejected(String what, String ingressRule, String problem) {
      assertThat(NetworkPolicyRules.networkPolicyPeers(of(policy(ingressRule))))
          .singleElement()
          .asString()
          .contains(problem);
    }

    @Test
    void everyAddressIsRejectedExceptTowardsTheApiServer() {
      String egress =
          networkPolicy(
              "p",
              "x",
              "Egress",
              """
          - to:
              - ipBlock:
                  cidr: 0.0.0.0/0
            ports:
              - port: %d
          """);
      assertThat(NetworkPolicyRules.networkPolicyPeers(of(egress.formatted(80))))
          .singleElement()
          .asString()
          .contains("every address");
      assertThat(NetworkPolicyRules.networkPolicyPeers(of(egress.formatted(443)))).isEmpty();
    }

    @Test
    void kafkaListenerWithoutPeersIsRejected() {
      assertThat(NetworkPolicyRules.networkPolicyPeers(of(KAFKA.formatted(""))))
          .singleElement()
          .asString()
          .contains("no networkPolicyPeers");
    }

    @Test
    void namedPeersPass() {
      assertThat(
              NetworkPolicyRules.networkPolicyPeers(
                  of(
                      policy(
                          """
          - from:
              - podSelector:
                  matchLabels:
                    app: y
              - namespaceSelector:
                  matchLabels:
                    kubernetes.io/metadata.name: monitoring
          """))))
          .isEmpty();
    }
  }

  @Test
  void missingDefaultDenyAndDnsAreReported() {
    assertThat(
            NetworkPolicyRules.defaultDeny(
                of(
                    policy(
                        "- from:\n    - podSelector:\n        matchLabels:\n          app: y\n"))))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("default-deny"))
        .anySatisfy(p -> assertThat(p).contains("resolve names"));
  }

  static final String FLINK =
      """
      apiVersion: flink.apache.org/v1beta1
      kind: FlinkDeployment
      metadata:
        name: job
      spec:
        podTemplate:
          metadata:
            labels:
              app.kubernetes.io/name: embedder
      ---
      """;

  /** The peer of the Flink operator's namespace. */
  static final String OPERATOR_PEER =
      """
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: flink-operator
      """;

  static String flinkPolicy(String peer) {
    return FLINK
        + networkPolicy(
            "job",
            "job",
            "Ingress",
            "- from:\n"
                + peer.indent(4)
                + """
          ports:
            - port: 8081
        """);
  }

  @Test
  void flinkRestOpenToEveryNamespaceIsRejected() {
    assertThat(NetworkPolicyRules.flinkRest(of(flinkPolicy("- namespaceSelector: {}"))))
        .anySatisfy(p -> assertThat(p).contains("Flink REST port 8081"))
        .anySatisfy(p -> assertThat(p).contains("no NetworkPolicy lets namespace flink-operator"));
  }

  @Test
  void flinkRestForQueryApiNeedsAFlinkOptionInTheCode() {
    assertThat(CrossChecks.QUERY_API_OPTIONS).noneMatch(o -> o.startsWith("flink."));
    assertThat(
            NetworkPolicyRules.flinkRest(
                of(
                    flinkPolicy(
                        OPERATOR_PEER
                            + """
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: query-api
        """))))
        .singleElement()
        .asString()
        .contains("query-api has no Flink option");
  }

  @Test
  void flinkRestForTheOperatorPasses() {
    assertThat(NetworkPolicyRules.flinkRest(of(flinkPolicy(OPERATOR_PEER)))).isEmpty();
  }

  static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
      spec:
        template:
          spec:
      %s
            containers:
              - name: c
                image: x
      %s
      """;

  @Test
  void podTemplateWithoutRestrictedFieldsIsRejected() {
    List<String> p = PodSecurityRules.podSecurity(of(DEPLOYMENT.formatted("", "")));
    assertThat(p)
        .anySatisfy(x -> assertThat(x).contains("runAsNonRoot"))
        .anySatisfy(x -> assertThat(x).contains("seccompProfile"))
        .anySatisfy(x -> assertThat(x).contains("allowPrivilegeEscalation"))
        .anySatisfy(x -> assertThat(x).contains("capabilities.drop"))
        .anySatisfy(x -> assertThat(x).contains("readOnlyRootFilesystem"));
  }

  static final String POD_OK =
      """
            securityContext:
              runAsNonRoot: true
              seccompProfile:
                type: RuntimeDefault
      """;
  static final String CONTAINER_OK =
      """
                securityContext:
                  allowPrivilegeEscalation: false
                  readOnlyRootFilesystem: true
                  capabilities:
                    drop: [ALL]
      """;

  @Test
  void restrictedPodTemplatePasses() {
    assertThat(PodSecurityRules.podSecurity(of(DEPLOYMENT.formatted(POD_OK, CONTAINER_OK))))
        .isEmpty();
  }

  @Test
  void privilegeEscalationIsRejected() {
    assertThat(
            PodSecurityRules.podSecurity(
                of(
                    DEPLOYMENT.formatted(
                        POD_OK,
                        CONTAINER_OK.replace(
                            "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")))))
        .singleElement()
        .asString()
        .contains("allowPrivilegeEscalation must be false");
  }

  @Test
  void namespaceBelowBaselineWithoutRestrictedWarningsAndBareStrimziPodsAreRejected() {
    String yaml =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: n
          labels:
            pod-security.kubernetes.io/enforce: privileged
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaNodePool
        metadata:
          name: brokers
        spec:
          replicas: 1
        """;
    assertThat(PodSecurityRules.podSecurity(of(yaml)))
        .anySatisfy(
            p -> assertThat(p).contains("enforce: baseline or restricted, has 'privileged'"))
        .anySatisfy(p -> assertThat(p).contains("warn: restricted, has ''"))
        .anySatisfy(p -> assertThat(p).contains("KafkaNodePool/brokers template.pod: runAsNonRoot"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "KafkaNodePool/brokers template.kafkaContainer: allowPrivilegeEscalation"));
  }

  @Test
  void readWriteEverythingMinioPolicyIsRejected() {
    var policy = Kustomize.YAML.createObjectNode();
    var st = policy.putArray("Statement").addObject();
    st.put("Effect", "Allow");
    st.putArray("Action").add("s3:*");
    st.putArray("Resource").add("arn:aws:s3:::*");
    assertThat(MinioRules.policyWildcards("app.json", policy))
        .anySatisfy(p -> assertThat(p).contains("allows s3:*"))
        .anySatisfy(p -> assertThat(p).contains("every bucket"));
    st.putArray("Action").add("s3:GetObject");
    st.putArray("Resource").add("arn:aws:s3:::images/*");
    assertThat(MinioRules.policyWildcards("app.json", policy)).isEmpty();
    assertThat(MinioRules.allows(policy, "s3:GetObject", "images/a.jpg")).isTrue();
    assertThat(MinioRules.allows(policy, "s3:PutObject", "images/a.jpg")).isFalse();
    assertThat(MinioRules.allows(policy, "s3:GetObject", "flink/chk")).isFalse();
  }

  @Test
  void builtInReadWritePolicyIsRejected() {
    String job =
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: minio-bucket-setup
        spec:
          template:
            spec:
              containers:
                - name: mc
                  env:
                    - name: APP_ACCESS_KEY
                      valueFrom:
                        secretKeyRef:
                          name: imgsearch-s3
                          key: accesskey
                  command:
                    - /bin/sh
                    - -ec
                    - mc admin policy attach s3 readwrite --user "$APP_ACCESS_KEY"
        """;
    assertThat(MinioRules.minio(of(job)))
        .singleElement()
        .asString()
        .contains("built-in policy readwrite");
  }

  static final String KAFKA =
      """
      apiVersion: kafka.strimzi.io/v1beta2
      kind: Kafka
      metadata:
        name: k
      spec:
        kafka:
          listeners:
            - name: plain
              port: 9092
              type: internal
              tls: false
      %s
      """;

  @Test
  void listenerWithoutAuthenticationIsRejected() {
    assertThat(KafkaRules.kafka(of(KAFKA.formatted(""))))
        .anySatisfy(p -> assertThat(p).contains("listener plain (port 9092) has no authentication"))
        .anySatisfy(p -> assertThat(p).contains("no authorization"));
  }

  @Test
  void authenticatedListenerWithAuthorizationPasses() {
    String auth =
        """
                authentication:
                  type: scram-sha-512
            authorization:
              type: simple
        """;
    assertThat(KafkaRules.kafka(of(KAFKA.formatted(auth)))).isEmpty();
  }

  @Test
  void wildcardAclsAreRejected() {
    String user =
        """
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaUser
        metadata:
          name: u
        spec:
          authorization:
            type: simple
            acls:
              - resource: {type: topic, name: "*", patternType: literal}
                operations: [Read]
              - resource: {type: group, name: g, patternType: literal}
                operations: [All]
        """;
    assertThat(KafkaRules.kafka(of(user)))
        .anySatisfy(p -> assertThat(p).contains("every resource"))
        .anySatisfy(p -> assertThat(p).contains("operation All"));
    assertThat(KafkaRules.aclAllows(of(user).resources().get(0), "group", "g", "Read")).isTrue();
    assertThat(KafkaRules.aclAllows(of(user).resources().get(0), "group", "h", "Read")).isFalse();
  }

  @Test
  void milvusWithoutAuthenticationOrWithASharedOptionalTokenIsRejected() {
    String yaml =
        """
        apiVersion: milvus.io/v1beta1
        kind: Milvus
        metadata:
          name: m
        spec:
          config: {}
        ---
        apiVersion: flink.apache.org/v1beta1
        kind: FlinkDeployment
        metadata:
          name: job
        spec:
          podTemplate:
            spec:
              containers:
                - name: flink-main-container
                  env:
                    - name: IMGSEARCH_EMBEDDER_MILVUS_TOKEN
                      valueFrom:
                        secretKeyRef:
                          name: milvus-token
                          key: token
                          optional: true
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: query-api
        spec:
          template:
            spec:
              containers:
                - name: query-api
                  env:
                    - name: IMGSEARCH_QUERY_MILVUS_TOKEN
                      valueFrom:
                        secretKeyRef:
                          name: milvus-token
                          key: token
        """;
    assertThat(MilvusRules.milvus(of(yaml)))
        .anySatisfy(p -> assertThat(p).contains("without authentication"))
        .anySatisfy(p -> assertThat(p).contains("is optional"))
        .anySatisfy(p -> assertThat(p).contains("share the Milvus token"));
    String good =
        yaml.replace(
                "config: {}",
                "config:\n    common:\n      security:\n        authorizationEnabled: true")
            .replace(
                "name: milvus-token\n                  key: token\n                  optional: true",
                "name: milvus-embedder\n                  key: token");
    assertThat(MilvusRules.milvus(of(good))).isEmpty();
  }

  @Test
  void queryApiWithWebhooksNeedsTheirConsumerGroup() {
    String yaml =
        """
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaUser
        metadata:
          name: kafka-query-api
        spec:
          authorization:
            type: simple
            acls:
              - resource: {type: topic, name: imgsearch.watches, patternType: literal}
                operations: [Read, Write, Describe]
              - resource: {type: topic, name: imgsearch.alerts, patternType: literal}
                operations: [Read, Describe]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: query-api
        spec:
          template:
            spec:
              containers:
                - name: query-api
                  args: [--kafka.bootstrap-servers, "k:9092"WEBHOOKS]
                  env:
                    - name: IMGSEARCH_QUERY_KAFKA_SASL_USERNAME
                      value: kafka-query-api
                    - name: IMGSEARCH_QUERY_KAFKA_SASL_PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: kafka-query-api
                          key: password
        """;
    assertThat(KafkaRules.kafka(of(yaml.replace("WEBHOOKS", ""))))
        .noneSatisfy(p -> assertThat(p).contains("query-api"));
    String webhooks = yaml.replace("WEBHOOKS", ", --webhooks.allowed-hosts, hooks.example.com");
    assertThat(KafkaRules.kafka(of(webhooks)))
        .contains("query-api: KafkaUser kafka-query-api may not Read group imgsearch-webhooks");
    String granted =
        webhooks.replace(
            "\n---\n",
            "\n      - resource: {type: group, name: imgsearch-webhooks, patternType: literal}\n"
                + "        operations: [Read]\n---\n");
    assertThat(KafkaRules.kafka(of(granted))).noneSatisfy(p -> assertThat(p).contains("query-api"));
  }
}
