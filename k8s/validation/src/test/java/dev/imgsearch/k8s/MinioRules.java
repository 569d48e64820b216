package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link LeastPrivilege} rule of MinIO: no wildcard or built-in policy, one user and policy per
 * client, each allowing what that client's code does.
 */
final class MinioRules {
  private MinioRules() {}

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
                        Manifest.secretOf(m.env(c).get("IMGSEARCH_INGEST_S3_ACCESS_KEY")),
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
              Manifest.secretOf(env.get("IMGSEARCH_EMBEDDER_S3_ACCESS_KEY")),
              needs,
              false));
      String aws = Manifest.secretOf(env.get("AWS_ACCESS_KEY_ID"));
      if (aws != null
          && !aws.equals(Manifest.secretOf(env.get("IMGSEARCH_EMBEDDER_S3_ACCESS_KEY")))) {
        clients.add(new S3Client(Manifest.name(fd) + " (Flink file system)", aws, needs, false));
      }
    }
    m.serviceContainer("query-api")
        .ifPresent(
            c -> {
              clients.add(
                  new S3Client(
                      "query-api",
                      Manifest.secretOf(m.env(c).get("IMGSEARCH_QUERY_S3_ACCESS_KEY")),
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
      String secret = Manifest.secretOf(jobEnv.get(attach.group(2)));
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
}
