package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.CrossChecks.codeTopics;
import static dev.imgsearch.k8s.CrossChecks.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link CrossChecks} of Kafka: each topic the code declares exists once as a KafkaTopic of the
 * cluster, with replicas the brokers can hold, compaction and retention where needed, and the
 * bootstrap address the stages get is a plain internal listener of the cluster.
 */
final class KafkaCrossChecks {
  private KafkaCrossChecks() {}

  static String topicName(JsonNode topic) {
    String n = topic.path("spec").path("topicName").asText("");
    return n.isEmpty() ? Manifest.name(topic) : n;
  }

  static JsonNode topic(Manifest m, String name) {
    return m.ofKind("KafkaTopic").stream()
        .filter(t -> topicName(t).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no KafkaTopic for " + name));
  }

  static int partitions(Manifest m, String name) {
    return topic(m, name).path("spec").path("partitions").asInt(-1);
  }

  static List<String> topics(Manifest m) {
    List<String> p = new ArrayList<>();
    List<String> required = List.copyOf(codeTopics().values());
    Map<String, Integer> count = new HashMap<>();
    m.ofKind("KafkaTopic").forEach(t -> count.merge(topicName(t), 1, Integer::sum));
    for (String t : required) {
      if (count.getOrDefault(t, 0) != 1) {
        p.add("expected exactly one KafkaTopic named " + t + ", found " + count.getOrDefault(t, 0));
      }
    }
    Set<String> clusters = new HashSet<>();
    m.ofKind("Kafka").forEach(k -> clusters.add(Manifest.name(k)));
    int brokers =
        m.ofKind("KafkaNodePool").stream()
            .filter(np -> Manifest.texts(np.path("spec").path("roles")).contains("broker"))
            .mapToInt(np -> np.path("spec").path("replicas").asInt())
            .sum();
    for (JsonNode t : m.ofKind("KafkaTopic")) {
      String cluster = t.path("metadata").path("labels").path("strimzi.io/cluster").asText();
      if (!clusters.contains(cluster)) {
        p.add(
            "KafkaTopic "
                + Manifest.name(t)
                + " names cluster '"
                + cluster
                + "', not one of "
                + clusters);
      }
      int replicas = t.path("spec").path("replicas").asInt();
      if (replicas > brokers) {
        p.add(
            "KafkaTopic "
                + Manifest.name(t)
                + " wants "
                + replicas
                + " replicas but there are "
                + brokers
                + " brokers");
      }
      int minIsr = t.path("spec").path("config").path("min.insync.replicas").asInt(1);
      if (minIsr > replicas) {
        p.add(
            "KafkaTopic "
                + Manifest.name(t)
                + ": min.insync.replicas "
                + minIsr
                + " > replicas "
                + replicas);
      }
    }
    // latest value per key: embeddings (a key-value view), image events (the re-index source),
    // watches (their truth)
    for (String compacted :
        List.of(Topics.EMBEDDINGS.name(), Topics.IMAGE_EVENTS.name(), Topics.WATCHES.name())) {
      if (count.containsKey(compacted)
          && !topic(m, compacted)
              .path("spec")
              .path("config")
              .path("cleanup.policy")
              .asText()
              .contains("compact")) {
        p.add(compacted + " must be compacted (cleanup.policy compact)");
      }
    }
    // the alert history's durable store: query-api reads it from the beginning at start
    if (count.containsKey(Topics.ALERTS.name())
        && topic(m, Topics.ALERTS.name())
                .path("spec")
                .path("config")
                .path("retention.ms")
                .asLong(-1)
            <= 0) {
      p.add(
          Topics.ALERTS.name()
              + " needs an explicit positive retention.ms: query-api rebuilds the alert history from"
              + " it at start");
    }
    return p;
  }

  static List<String> kafkaBootstrap(Manifest m) {
    List<String> p = new ArrayList<>();
    String bootstrap = endpoint(m, "KAFKA_BOOTSTRAP_SERVERS");
    Set<String> valid = new TreeSet<>();
    for (JsonNode k : m.ofKind("Kafka")) {
      for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
        if (!l.path("tls").asBoolean() && "internal".equals(l.path("type").asText())) {
          valid.add(Manifest.name(k) + "-kafka-bootstrap:" + l.path("port").asInt());
        }
      }
    }
    if (!valid.contains(bootstrap)) {
      p.add(
          "KAFKA_BOOTSTRAP_SERVERS "
              + bootstrap
              + " is not a plain internal listener of the Kafka cluster "
              + valid);
    }
    return p;
  }
}
