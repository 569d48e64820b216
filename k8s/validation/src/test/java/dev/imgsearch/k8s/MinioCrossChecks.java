package dev.imgsearch.k8s;

import static dev.imgsearch.k8s.CrossChecks.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.schemas.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link CrossChecks} of MinIO: its Kafka notification target (topic, brokers, queue) and the setup
 * Job's bucket subscription to it, and the buckets the stages and Milvus use are created by that
 * Job.
 */
final class MinioCrossChecks {
  private MinioCrossChecks() {}

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
}
