package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.CrossChecks.QUERY_API_OPTIONS;
import static dev.imgsearch.k8s.CrossChecks.effectiveOptions;
import static dev.imgsearch.k8s.CrossChecks.endpoint;
import static dev.imgsearch.k8s.CrossChecks.envName;
import static dev.imgsearch.k8s.CrossChecks.httpPort;
import static dev.imgsearch.k8s.CrossChecks.ingestHttpRoutes;
import static dev.imgsearch.k8s.CrossChecks.onlyKnown;
import static dev.imgsearch.k8s.CrossChecks.probes;
import static dev.imgsearch.k8s.CrossChecks.queryApiGetRoutes;
import static dev.imgsearch.k8s.KafkaCrossChecks.partitions;
import static dev.imgsearch.k8s.MinioCrossChecks.bucketsCreated;
import static dev.imgsearch.k8s.MinioCrossChecks.bucketsSubscribed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.embedder.job.EmbedderSettings;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link CrossChecks} of the stages (ingest-stream, embedder job, query-api): the options and env
 * vars their manifests set are ones the code reads, with the topics, endpoints and shared values of
 * the rest of the manifest, and their probes use routes the code serves.
 */
final class StageCrossChecks {
  private StageCrossChecks() {}

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
    expectOption(p, "ingest-stream", options, "topic.notifications", Topics.NOTIFICATIONS.name());
    expectOption(p, "ingest-stream", options, "topic.image-events", Topics.IMAGE_EVENTS.name());
    expectOption(p, "ingest-stream", options, "topic.dead-letters", Topics.DEAD_LETTERS.name());
    expectOption(
        p,
        "ingest-stream",
        options,
        "kafka.bootstrap-servers",
        endpoint(m, "KAFKA_BOOTSTRAP_SERVERS"));
    if (options.containsKey("s3.endpoint")) {
      expectOption(p, "ingest-stream", options, "s3.endpoint", endpoint(m, "S3_ENDPOINT"));
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
    expectOption(p, "embedder", options, "topic.image-events", Topics.IMAGE_EVENTS.name());
    expectOption(p, "embedder", options, "topic.dead-letters", Topics.DEAD_LETTERS.name());
    if (known.contains("topic.embeddings")) {
      expectOption(p, "embedder", options, "topic.embeddings", Topics.EMBEDDINGS.name());
    }
    // standing queries: the job reads the watches the API writes and writes the alerts it reads
    expectOption(p, "embedder", options, "topic.watches", Topics.WATCHES.name());
    expectOption(p, "embedder", options, "topic.alerts", Topics.ALERTS.name());
    if (options.containsKey("topic.embeddings.partitions")) {
      expectEqual(
          p,
          "embedder topic.embeddings.partitions vs the KafkaTopic",
          options.get("topic.embeddings.partitions"),
          String.valueOf(partitions(m, Topics.EMBEDDINGS.name())));
    }
    expectOption(
        p, "embedder", options, "kafka.bootstrap-servers", endpoint(m, "KAFKA_BOOTSTRAP_SERVERS"));
    expectOption(p, "embedder", options, "s3.endpoint", endpoint(m, "S3_ENDPOINT"));
    expectOption(p, "embedder", options, "milvus.uri", endpoint(m, "MILVUS_URI"));
    expectOption(p, "embedder", options, "store.collection", endpoint(m, "STORE_COLLECTION"));
    expectOption(p, "embedder", options, "store.dimension", endpoint(m, "STORE_DIMENSION"));
    expectOption(p, "embedder", options, "model", endpoint(m, "MODEL"));

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

  /** {@code who}'s option {@code option} in {@code options} is {@code expected}. */
  private static void expectOption(
      List<String> p, String who, Map<String, String> options, String option, String expected) {
    expectEqual(p, who + " " + option, options.get(option), expected);
  }

  private static void expectEqual(List<String> p, String what, String actual, String expected) {
    if (expected == null || !expected.equals(actual)) {
      p.add(what + ": manifest has '" + actual + "', expected '" + expected + "'");
    }
  }
}
