package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.query.watch.WebhookDispatcher;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link LeastPrivilege} rule of Kafka: authenticated listeners, simple authorization, one
 * KafkaUser per client with ACLs on its own topics and groups, no wildcards.
 */
final class KafkaRules {
  private KafkaRules() {}

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
                      Manifest.secretOf(env.get("IMGSEARCH_INGEST_KAFKA_SASL_PASSWORD")),
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
              Manifest.secretOf(env.get("IMGSEARCH_EMBEDDER_KAFKA_SASL_PASSWORD")),
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
                      Manifest.secretOf(env.get("IMGSEARCH_QUERY_KAFKA_SASL_PASSWORD")),
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
                        Manifest.secretOf(env.get("MINIO_NOTIFY_KAFKA_SASL_PASSWORD_" + id)),
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
}
