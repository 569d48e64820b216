package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.NamedChecks.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.embedder.job.EmbedderSettings;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the manifests agree with the code and with themselves: topic names, option names and
 * values, env var names, ports, probe paths, selectors, bucket names, secret references. Each check
 * adds readable problems; an empty list means the manifest is consistent.
 */
final class CrossChecks {
  private CrossChecks() {}

  /** Every topic the code declares in {@link Topics}. */
  static Map<String, String> codeTopics() {
    Map<String, String> topics = new TreeMap<>();
    for (java.lang.reflect.Field f : Topics.class.getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
          && f.getType() == Topics.Topic.class) {
        try {
          topics.put(f.getName(), ((Topics.Topic<?, ?>) f.get(null)).name());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return topics;
  }

  /**
   * Options of the query-api launcher (the entrypoint contract in docs/deploy.md), read from the
   * code.
   */
  static final Set<String> QUERY_API_OPTIONS =
      dev.imgsearch.query.server.QueryServerSettings.OPTIONS;

  /**
   * The environment variable of an option: the stage's own {@code envName(String)} where the code
   * has one, else the same convention with the stage's prefix (IMGSEARCH_INGEST_,
   * IMGSEARCH_EMBEDDER_, IMGSEARCH_QUERY_ + upper case, '.' and '-' as '_'; the launcher contract
   * in docs/deploy.md).
   */
  static String envName(Class<?> settings, String prefix, String option) {
    if (settings != null) {
      try {
        return (String) settings.getMethod("envName", String.class).invoke(null, option);
      } catch (NoSuchMethodException e) {
        // fall through to the convention
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return prefix + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  static final String QUERY_API = "query-api/src/main/java/dev/imgsearch/query/QueryApi.java";
  static final String INGEST_HTTP =
      "ingest-stream/src/main/java/dev/imgsearch/ingest/MetricsServer.java";

  private static final Pattern ROUTE = Pattern.compile("app\\.get\\(\\s*\"([^\"]+)\"");
  private static final Pattern CONTEXT = Pattern.compile("createContext\\(\\s*\"([^\"]+)\"");

  static Set<String> queryApiGetRoutes() {
    return matches(ROUTE, Repo.read(QUERY_API));
  }

  static Set<String> ingestHttpRoutes() {
    return matches(CONTEXT, Repo.read(INGEST_HTTP));
  }

  private static Set<String> matches(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static List<String> all(Manifest m) {
    List<String> problems = new ArrayList<>();
    run(problems, "topics", () -> topics(m));
    run(problems, "kafka bootstrap", () -> kafkaBootstrap(m));
    run(problems, "minio notifications", () -> minioNotifications(m));
    run(problems, "buckets", () -> buckets(m));
    run(problems, "ingest-stream", () -> ingestStream(m));
    run(problems, "embedder", () -> embedder(m));
    run(problems, "query-api", () -> queryApi(m));
    run(problems, "services", () -> services(m));
    run(problems, "service monitors", () -> serviceMonitors(m));
    run(problems, "selectors", () -> selectors(m));
    run(problems, "secrets", () -> secrets(m));
    return problems;
  }

  // --- Kafka
  // ---------------------------------------------------------------------------------------------------

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

  static String endpoint(Manifest m, String key) {
    JsonNode v = m.get("ConfigMap", "imgsearch-endpoints").path("data").path(key);
    if (v.isMissingNode()) {
      throw new AssertionError("ConfigMap imgsearch-endpoints has no " + key);
    }
    return v.asText();
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

  // --- MinIO
  // ---------------------------------------------------------------------------------------------------

  private static final Pattern NOTIFY_ENABLE = Pattern.compile("MINIO_NOTIFY_KAFKA_ENABLE_(\\w+)");

  static Set<String> notifyTargets(Manifest m) {
    Map<String, String> env = m.env(Manifest.container(m.get("StatefulSet", "minio"), "minio"));
    Set<String> ids = new TreeSet<>();
    env.forEach(
        (k, v) -> {
          Matcher mm = NOTIFY_ENABLE.matcher(k);
          if (mm.matches() && "on".equals(v)) {
            ids.add(mm.group(1));
          }
        });
    return ids;
  }

  static String bucketJobScript(Manifest m) {
    JsonNode c = Manifest.container(m.get("Job", "minio-bucket-setup"), "mc");
    return String.join("\n", Manifest.texts(c.path("command")))
        + "\n"
        + String.join("\n", Manifest.texts(c.path("args")));
  }

  /** The bucket-setup Job's script; empty when there is no such Job. */
  static String bucketJobScriptOrEmpty(Manifest m) {
    return m.find("Job", "minio-bucket-setup").isPresent() ? bucketJobScript(m) : "";
  }

  static List<String> minioNotifications(Manifest m) {
    List<String> p = new ArrayList<>();
    JsonNode minio = Manifest.container(m.get("StatefulSet", "minio"), "minio");
    Map<String, String> env = m.env(minio);
    Set<String> ids = notifyTargets(m);
    if (ids.isEmpty()) {
      p.add("no MINIO_NOTIFY_KAFKA_ENABLE_<ID>=on in the MinIO container");
    }
    Set<String> mounts = new HashSet<>();
    minio.path("volumeMounts").forEach(v -> mounts.add(v.path("mountPath").asText()));
    String script = bucketJobScript(m);
    for (String id : ids) {
      String topic = env.get("MINIO_NOTIFY_KAFKA_TOPIC_" + id);
      if (!Topics.NOTIFICATIONS.name().equals(topic)) {
        p.add(
            "MINIO_NOTIFY_KAFKA_TOPIC_"
                + id
                + " is "
                + topic
                + ", the code reads "
                + Topics.NOTIFICATIONS.name());
      }
      String brokers = env.get("MINIO_NOTIFY_KAFKA_BROKERS_" + id);
      if (!endpoint(m, "KAFKA_BOOTSTRAP_SERVERS").equals(brokers)) {
        p.add(
            "MINIO_NOTIFY_KAFKA_BROKERS_"
                + id
                + " is "
                + brokers
                + ", not the Kafka bootstrap servers");
      }
      String queue = env.get("MINIO_NOTIFY_KAFKA_QUEUE_DIR_" + id);
      if (queue == null || !mounts.contains(queue)) {
        p.add(
            "MINIO_NOTIFY_KAFKA_QUEUE_DIR_"
                + id
                + " ("
                + queue
                + ") must be a mounted volume, or events are lost while Kafka is down");
      }
      Matcher sub =
          Pattern.compile(
                  "mc event add \\S+/(\\S+) arn:minio:sqs::"
                      + Pattern.quote(id)
                      + ":kafka --event (\\S+)")
              .matcher(script);
      if (!sub.find()) {
        p.add(
            "the bucket-setup Job does not subscribe a bucket to arn:minio:sqs::" + id + ":kafka");
      } else if (!Set.of(sub.group(2).split(",")).containsAll(Set.of("put", "delete"))) {
        p.add("the bucket subscription must cover put and delete events, has " + sub.group(2));
      }
    }
    return p;
  }

  private static final Pattern MAKE_BUCKET =
      Pattern.compile("mc mb (?:--\\S+ )*((?:\\S+/\\S+ ?)+)");

  static Set<String> bucketsCreated(Manifest m) {
    Set<String> buckets = new TreeSet<>();
    Matcher mb = MAKE_BUCKET.matcher(bucketJobScript(m));
    while (mb.find()) {
      for (String target : mb.group(1).trim().split(" ")) {
        buckets.add(target.substring(target.indexOf('/') + 1));
      }
    }
    return buckets;
  }

  /** Buckets whose put/delete events go to Kafka (the ones that get indexed). */
  static Set<String> bucketsSubscribed(Manifest m) {
    Set<String> buckets = new TreeSet<>();
    Matcher sub = Pattern.compile("mc event add \\S+/(\\S+) ").matcher(bucketJobScript(m));
    while (sub.find()) {
      buckets.add(sub.group(1));
    }
    return buckets;
  }

  static List<String> buckets(Manifest m) {
    List<String> p = new ArrayList<>();
    Set<String> created = bucketsCreated(m);
    Matcher sub = Pattern.compile("mc event add \\S+/(\\S+) ").matcher(bucketJobScript(m));
    while (sub.find()) {
      if (!created.contains(sub.group(1))) {
        p.add("bucket " + sub.group(1) + " is subscribed but never created");
      }
    }
    JsonNode flinkConf =
        m.get("FlinkDeployment", "imgsearch-embedder").path("spec").path("flinkConfiguration");
    for (String key :
        List.of(
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir",
            "high-availability.storageDir")) {
      String uri = flinkConf.path(key).asText();
      if (!uri.startsWith("s3://")) {
        p.add(key + " must be on the object store (s3://...), is '" + uri + "'");
        continue;
      }
      String bucket = uri.substring(5).split("/")[0];
      if (!created.contains(bucket)) {
        p.add(
            key
                + " uses bucket "
                + bucket
                + ", which the bucket-setup Job does not create "
                + created);
      }
    }
    for (JsonNode milvus : m.ofKind("Milvus")) {
      String bucket = milvus.path("spec").path("config").path("minio").path("bucketName").asText();
      if (!created.contains(bucket)) {
        p.add(
            "Milvus bucketName '" + bucket + "' is not created by the bucket-setup Job " + created);
      }
      String endpoint =
          milvus.path("spec").path("dependencies").path("storage").path("endpoint").asText();
      if (!endpoint(m, "S3_ENDPOINT").equals("http://" + endpoint)) {
        p.add(
            "Milvus storage endpoint "
                + endpoint
                + " is not the S3 endpoint "
                + endpoint(m, "S3_ENDPOINT"));
      }
    }
    return p;
  }

  // --- stages
  // ----------------------------------------------------------------------------------------------------

  /**
   * Container args with $(VAR) expanded, as options; IMGSEARCH_* env vars added under their option
   * names.
   */
  static Map<String, String> effectiveOptions(
      Manifest m,
      JsonNode container,
      List<String> args,
      Set<String> known,
      Class<?> settings,
      String envPrefix,
      List<String> problems) {
    Map<String, String> env = m.env(container);
    Map<String, String> options = new LinkedHashMap<>(Manifest.options(Manifest.expand(args, env)));
    Map<String, String> byEnvName = new HashMap<>();
    known.forEach(o -> byEnvName.put(envName(settings, envPrefix, o), o));
    env.forEach(
        (k, v) -> {
          if (k.startsWith(envPrefix)) {
            String option = byEnvName.get(k);
            if (option == null) {
              problems.add("env " + k + " matches no option of " + known);
            } else {
              options.putIfAbsent(option, v);
            }
          }
        });
    return options;
  }

  static void onlyKnown(
      Map<String, String> options, Set<String> known, String who, List<String> p) {
    for (String o : options.keySet()) {
      if (!known.contains(o)) {
        p.add(who + " option --" + o + " is not read by the code (known: " + known + ")");
      }
    }
  }

  static int httpPort(JsonNode container) {
    for (JsonNode port : container.path("ports")) {
      if ("http".equals(port.path("name").asText())) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError(
        "container " + container.path("name").asText() + " has no port named http");
  }

  static List<String> probes(
      JsonNode container, Set<String> routes, String liveness, String readiness, String who) {
    List<String> p = new ArrayList<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = container.path(probe).path("httpGet");
      if (get.isMissingNode()) {
        p.add(who + " has no HTTP " + probe);
        continue;
      }
      if (routes != null && !routes.contains(get.path("path").asText())) {
        p.add(
            who + " " + probe + " path " + get.path("path").asText() + " is not a route " + routes);
      }
      if (!"http".equals(get.path("port").asText())) {
        p.add(who + " " + probe + " must use the named port http");
      }
    }
    String live = container.path("livenessProbe").path("httpGet").path("path").asText();
    String ready = container.path("readinessProbe").path("httpGet").path("path").asText();
    if (!liveness.equals(live) || !readiness.equals(ready)) {
      p.add(
          who
              + ": liveness must be "
              + liveness
              + " and readiness "
              + readiness
              + ", are "
              + live
              + " and "
              + ready);
    }
    return p;
  }

  static List<String> ingestStream(Manifest m) {
    List<String> p = new ArrayList<>();
    JsonNode deployment = m.get("Deployment", "ingest-stream");
    JsonNode c = Manifest.container(deployment, "ingest-stream");
    Set<String> known = IngestSettings.OPTIONS; // the stage's option registry
    Map<String, String> options =
        effectiveOptions(
            m,
            c,
            Manifest.texts(c.path("args")),
            known,
            IngestSettings.class,
            IngestSettings.ENV_PREFIX,
            p);
    onlyKnown(options, known, "ingest-stream", p);
    IngestSettings.fromMap(options);
    expectEqual(
        p,
        "ingest-stream topic.notifications",
        options.get("topic.notifications"),
        Topics.NOTIFICATIONS.name());
    expectEqual(
        p,
        "ingest-stream topic.image-events",
        options.get("topic.image-events"),
        Topics.IMAGE_EVENTS.name());
    expectEqual(
        p,
        "ingest-stream topic.dead-letters",
        options.get("topic.dead-letters"),
        Topics.DEAD_LETTERS.name());
    expectEqual(
        p,
        "ingest-stream kafka.bootstrap-servers",
        options.get("kafka.bootstrap-servers"),
        endpoint(m, "KAFKA_BOOTSTRAP_SERVERS"));
    if (options.containsKey("s3.endpoint")) {
      expectEqual(
          p, "ingest-stream s3.endpoint", options.get("s3.endpoint"), endpoint(m, "S3_ENDPOINT"));
      String bucket = options.getOrDefault("frames.bucket", "images");
      if (!bucketsCreated(m).contains(bucket)) {
        p.add("ingest-stream frames.bucket " + bucket + " is not created by the bucket-setup Job");
      }
    }
    expectEqual(
        p,
        "ingest-stream --metrics.port (serves /metrics and /healthz)",
        options.get("metrics.port"),
        String.valueOf(httpPort(c)));
    p.addAll(probes(c, ingestHttpRoutes(), "/healthz", "/healthz", "ingest-stream"));
    if (!ingestHttpRoutes().contains("/metrics")) {
      p.add("ingest-stream serves no /metrics");
    }
    boolean stateMounted = false;
    for (JsonNode v : c.path("volumeMounts")) {
      stateMounted |= v.path("mountPath").asText().equals(options.get("state.dir"));
    }
    if (!stateMounted) {
      p.add(
          "ingest-stream state.dir "
              + options.get("state.dir")
              + " is not a mounted volume (the root file system is read-only)");
    }
    int maxReplicas =
        m.get("HorizontalPodAutoscaler", "ingest-stream").path("spec").path("maxReplicas").asInt();
    int parts = partitions(m, Topics.NOTIFICATIONS.name());
    if (maxReplicas > parts) {
      p.add(
          "ingest-stream HPA maxReplicas "
              + maxReplicas
              + " > "
              + parts
              + " partitions of "
              + Topics.NOTIFICATIONS.name()
              + " (the extra replicas would idle)");
    }
    return p;
  }

  static List<String> embedder(Manifest m) {
    List<String> p = new ArrayList<>();
    JsonNode fd = m.get("FlinkDeployment", "imgsearch-embedder");
    JsonNode spec = fd.path("spec");
    JsonNode job = spec.path("job");
    JsonNode c = Manifest.container(fd, "flink-main-container");
    Set<String> known =
        dev.imgsearch.embedder.job.EmbedderSettings.OPTIONS; // the job's option registry
    // job.args are handed to main() verbatim: no $(VAR) expansion there
    Map<String, String> literal = Manifest.options(Manifest.texts(job.path("args")));
    if (literal.values().stream().anyMatch(v -> v.contains("$("))) {
      p.add(
          "FlinkDeployment job.args are not expanded by Kubernetes; $(VAR) would reach the job verbatim");
    }
    onlyKnown(literal, known, "embedder", p);
    for (String secret :
        List.of("s3.access-key", "s3.secret-key", "milvus.token", KafkaSecurity.PASSWORD)) {
      if (literal.containsKey(secret)) {
        p.add(
            "embedder --"
                + secret
                + " must come from a Secret (env "
                + envName(EmbedderSettings.class, "IMGSEARCH_EMBEDDER_", secret)
                + "), not from job.args");
      }
    }
    Map<String, String> options =
        effectiveOptions(
            m,
            c,
            Manifest.texts(job.path("args")),
            known,
            EmbedderSettings.class,
            "IMGSEARCH_EMBEDDER_",
            p);
    EmbedderSettings.fromMap(options);
    expectEqual(
        p,
        "embedder topic.image-events",
        options.get("topic.image-events"),
        Topics.IMAGE_EVENTS.name());
    expectEqual(
        p,
        "embedder topic.dead-letters",
        options.get("topic.dead-letters"),
        Topics.DEAD_LETTERS.name());
    if (known.contains("topic.embeddings")) {
      expectEqual(
          p,
          "embedder topic.embeddings",
          options.get("topic.embeddings"),
          Topics.EMBEDDINGS.name());
    }
    // standing queries: the job reads the watches the API writes and writes the alerts it reads
    expectEqual(p, "embedder topic.watches", options.get("topic.watches"), Topics.WATCHES.name());
    expectEqual(p, "embedder topic.alerts", options.get("topic.alerts"), Topics.ALERTS.name());
    if (options.containsKey("topic.embeddings.partitions")) {
      expectEqual(
          p,
          "embedder topic.embeddings.partitions vs the KafkaTopic",
          options.get("topic.embeddings.partitions"),
          String.valueOf(partitions(m, Topics.EMBEDDINGS.name())));
    }
    expectEqual(
        p,
        "embedder kafka.bootstrap-servers",
        options.get("kafka.bootstrap-servers"),
        endpoint(m, "KAFKA_BOOTSTRAP_SERVERS"));
    expectEqual(p, "embedder s3.endpoint", options.get("s3.endpoint"), endpoint(m, "S3_ENDPOINT"));
    expectEqual(p, "embedder milvus.uri", options.get("milvus.uri"), endpoint(m, "MILVUS_URI"));
    expectEqual(
        p,
        "embedder store.collection",
        options.get("store.collection"),
        endpoint(m, "STORE_COLLECTION"));
    expectEqual(
        p,
        "embedder store.dimension",
        options.get("store.dimension"),
        endpoint(m, "STORE_DIMENSION"));
    expectEqual(p, "embedder model", options.get("model"), endpoint(m, "MODEL"));

    String jar = job.path("jarURI").asText();
    if (!jar.startsWith("local:///opt/flink/usrlib/")) {
      p.add("jarURI " + jar + " must be a local jar under /opt/flink/usrlib/");
    } else if (!Repo.read("k8s/images/embedder/Dockerfile")
        .contains(jar.substring("local://".length()))) {
      p.add(
          "k8s/images/embedder/Dockerfile does not put the job jar at "
              + jar.substring("local://".length()));
    }
    String entry = job.path("entryClass").asText();
    String source = "embedder/job/src/main/java/" + entry.replace('.', '/') + ".java";
    if (!java.nio.file.Files.isRegularFile(Repo.ROOT.resolve(source))
        || !Repo.read(source).contains("public static void main(String[] args)")) {
      p.add("entryClass " + entry + " is not a class with main() in the embedder module");
    }
    expectEqual(p, "upgradeMode", job.path("upgradeMode").asText(), "last-state");
    JsonNode conf = spec.path("flinkConfiguration");
    expectEqual(
        p, "high-availability.type", conf.path("high-availability.type").asText(), "kubernetes");
    expectEqual(p, "job.autoscaler.enabled", conf.path("job.autoscaler.enabled").asText(), "true");
    int parallelism = job.path("parallelism").asInt();
    int parts = partitions(m, Topics.IMAGE_EVENTS.name());
    if (parallelism < 1 || parts % parallelism != 0) {
      p.add(
          "Flink parallelism "
              + parallelism
              + " does not divide the "
              + parts
              + " partitions of "
              + Topics.IMAGE_EVENTS.name());
    }
    expectEqual(
        p,
        "pipeline.max-parallelism (autoscaler ceiling) vs "
            + Topics.IMAGE_EVENTS.name()
            + " partitions",
        conf.path("pipeline.max-parallelism").asText(),
        String.valueOf(parts));
    String sa = spec.path("serviceAccount").asText();
    if (m.find("ServiceAccount", sa).isEmpty()) {
      p.add("serviceAccount " + sa + " does not exist");
    }
    boolean bound =
        m.ofKind("RoleBinding").stream()
            .anyMatch(rb -> rb.path("subjects").findValuesAsText("name").contains(sa));
    if (!bound) {
      p.add(
          "serviceAccount "
              + sa
              + " has no RoleBinding (Kubernetes HA needs ConfigMap and pod rights)");
    }
    return p;
  }

  static List<String> queryApi(Manifest m) {
    List<String> p = new ArrayList<>();
    JsonNode c = Manifest.container(m.get("Deployment", "query-api"), "query-api");
    for (String secret : List.of("s3.access-key", "s3.secret-key", "milvus.token", "api-keys")) {
      if (Manifest.texts(c.path("args")).contains("--" + secret)) {
        p.add("query-api --" + secret + " must come from a Secret, not from args");
      }
    }
    Map<String, String> options =
        effectiveOptions(
            m,
            c,
            Manifest.texts(c.path("args")),
            QUERY_API_OPTIONS,
            dev.imgsearch.query.server.QueryServerSettings.class,
            "IMGSEARCH_QUERY_",
            p);
    onlyKnown(options, QUERY_API_OPTIONS, "query-api", p);
    // the options as the container gets them start the server: API keys present (fail closed),
    // values valid
    dev.imgsearch.query.server.QueryServerSettings settings;
    try {
      settings = dev.imgsearch.query.server.QueryServerSettings.fromMap(options);
    } catch (IllegalArgumentException e) {
      p.add("query-api would not start: " + e.getMessage());
      return p;
    }
    if (settings.allowAnonymous()) {
      p.add(
          "query-api must not allow anonymous access in the cluster (--allow-anonymous is for local mode)");
    }
    if (!options.getOrDefault("api-keys", "").startsWith("<secret:")) {
      p.add(
          "query-api --api-keys must come from a Secret (env "
              + dev.imgsearch.query.server.QueryServerSettings.envName("api-keys")
              + ")");
    }
    Set<String> created = bucketsCreated(m);
    Set<String> subscribed = bucketsSubscribed(m);
    for (String bucket : settings.contentBuckets().names()) {
      if (!created.contains(bucket) || !subscribed.contains(bucket)) {
        p.add(
            "query-api --content.buckets names "
                + bucket
                + ", which the bucket-setup Job does not create and"
                + " subscribe (created "
                + created
                + ", subscribed "
                + subscribed
                + ")");
      }
    }
    expectEqual(p, "query-api --http.port", options.get("http.port"), String.valueOf(httpPort(c)));
    Map<String, String> embedder =
        Manifest.options(
            Manifest.texts(
                m.get("FlinkDeployment", "imgsearch-embedder")
                    .path("spec")
                    .path("job")
                    .path("args")));
    expectEqual(
        p,
        "query-api --kafka.bootstrap-servers",
        options.get("kafka.bootstrap-servers"),
        endpoint(m, "KAFKA_BOOTSTRAP_SERVERS"));
    if (!options.getOrDefault(KafkaSecurity.PASSWORD, "").startsWith("<secret:")) {
      p.add(
          "query-api --"
              + KafkaSecurity.PASSWORD
              + " must come from a Secret (env "
              + dev.imgsearch.query.server.QueryServerSettings.envName(KafkaSecurity.PASSWORD)
              + ")");
    }
    expectEqual(
        p, "query-api --topic.watches", options.get("topic.watches"), Topics.WATCHES.name());
    expectEqual(p, "query-api --topic.alerts", options.get("topic.alerts"), Topics.ALERTS.name());
    for (String shared :
        List.of(
            "store.kind",
            "milvus.uri",
            "store.collection",
            "store.dimension",
            "model",
            "s3.endpoint",
            "topic.watches",
            "topic.alerts")) {
      expectEqual(
          p,
          "query-api --" + shared + " vs the embedder's",
          options.get(shared),
          embedder.get(shared));
    }
    Set<String> routes = queryApiGetRoutes();
    p.addAll(probes(c, routes, "/healthz", "/readyz", "query-api"));
    if (!routes.contains("/metrics")) {
      p.add("QueryApi has no /metrics route");
    }
    return p;
  }

  // --- wiring
  // ----------------------------------------------------------------------------------------------------

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

  private static void expectEqual(List<String> p, String what, String actual, String expected) {
    if (expected == null || !expected.equals(actual)) {
      p.add(what + ": manifest has '" + actual + "', expected '" + expected + "'");
    }
  }
}
