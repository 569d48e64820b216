package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.image.PerceptualHash;
import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Standing queries through the whole embedder job: real Kafka broker, S3 server, Flink MiniCluster,
 * the real model. Watches created from an image's own embedding while the job runs raise exactly
 * one alert per matching image (the rotated copy, a later copy), none for an unrelated image, none
 * for a copy within the cooldown.
 */
class WatchesIT extends HarnessPerClass {
  static final String SOURCE = "it-camera";
  static final String ALERTS_COUNTER = ".*\\.match-watches\\.\\d+\\.alerts";
  static final String SUPPRESSED_COUNTER = ".*\\.match-watches\\.\\d+\\.alertsSuppressedByCooldown";

  @Test
  void watchesAddedWhileRunningRaiseOneAlertPerMatchOutsideTheCooldown() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> options = watchingOptions("it", run);
    String events = options.get("topic.image-events");
    String embeddings = options.get("topic.embeddings");
    String watches = options.get("topic.watches");
    String alerts = options.get("topic.alerts");

    // real photos (golden fixtures): an orange, and a building as the unrelated image
    var scene = photo("/golden/input-224.png");
    byte[] original = TestImages.encode(scene, "jpg");
    put("a.jpg", original);
    put("a-rotated.jpg", TestImages.rotatedJpeg(scene));
    put("a-copy-soon.jpg", original);
    put("a-copy-later.jpg", original);
    byte[] other = TestImages.encode(photo("/golden/input3-224.png"), "png");
    put("unrelated.png", other);
    put("unrelated-again.png", other);

    JobClient job = JobHarness.startJob(EmbedderSettings.fromMap(options), "watches-it");
    List<ConsumerRecord<byte[], byte[]>> raised;
    long t0 = 1_700_000_000_000L;
    try {
      // 1. the original and the unrelated image are embedded before any watch exists: no alert
      it.produce(events, event("a.jpg", t0 - 600_000L), event("unrelated.png", t0 - 500_000L));
      Map<String, ImageEmbedding> first = embeddings(embeddings, 2);
      ImageEmbedding a = first.get(ImageIds.of(BUCKET, "a.jpg"));
      ImageEmbedding u = first.get(ImageIds.of(BUCKET, "unrelated.png"));
      double unrelatedCosine = cosine(a.getVector(), u.getVector());
      // the model's features are non-negative: unrelated photos still score ~0.88
      // (golden/README.md)
      assertThat(unrelatedCosine)
          .as("precondition: the unrelated image is far from the original")
          .isLessThan(0.92);
      assertThat(PerceptualHash.distance(a.getPhash(), u.getPhash())).isGreaterThan(10);

      // 2. watches from the original's vector and pHash, created while the job runs
      Watch frames =
          watch("frames-" + run, WatchTarget.FRAMES, 0.95)
              .setModel(a.getModel())
              .setVector(a.getVector())
              .build();
      Watch copies =
          watch("copies-" + run, WatchTarget.NEAR_DUPLICATES, 10).setPhash(a.getPhash()).build();
      sendWatches(watches, frames, copies);
      awaitActiveWatches(2);

      // 3. a near-duplicate, an unrelated image, a copy within the 60 s cooldown, a copy after it
      it.produce(
          events,
          event("a-rotated.jpg", t0),
          event("unrelated-again.png", t0 + 1_000L),
          event("a-copy-soon.jpg", t0 + 10_000L),
          event("a-copy-later.jpg", t0 + 120_000L));
      embeddings(embeddings, 6); // every image went through the matching
      String counts =
          "alerts counted by the operator: "
              + CollectingReporter.counter(ALERTS_COUNTER)
              + ", suppressed: "
              + CollectingReporter.counter(SUPPRESSED_COUNTER);
      raised = consume(alerts, rs -> rs.size() >= 4, counts);
      Thread.sleep(2_500); // two more checkpoints: nothing else may arrive
      raised = consume(alerts, rs -> rs.size() >= 4, counts);
    } finally {
      job.cancel().get();
    }

    List<String> ids = new ArrayList<>();
    Map<String, Alert> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : raised) {
      Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize(alerts, r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.getAlertId());
      ids.add(alert.getAlertId());
      byId.put(alert.getAlertId(), alert);
    }
    String rotated = ImageIds.of(BUCKET, "a-rotated.jpg");
    String later = ImageIds.of(BUCKET, "a-copy-later.jpg");
    assertThat(ids)
        .containsExactlyInAnyOrder(
            AlertIds.of("frames-" + run, rotated), AlertIds.of("frames-" + run, later),
            AlertIds.of("copies-" + run, rotated), AlertIds.of("copies-" + run, later));
    Alert nearDuplicate = byId.get(AlertIds.of("copies-" + run, rotated));
    assertThat(nearDuplicate.getHammingDistance()).isBetween(0, 10);
    assertThat(nearDuplicate.getSource()).isEqualTo(SOURCE);
    assertThat(nearDuplicate.getCapturedAtMillis()).isEqualTo(t0);
    assertThat(byId.get(AlertIds.of("frames-" + run, rotated)).getScore()).isGreaterThan(0.95);
    assertThat(byId.get(AlertIds.of("frames-" + run, later)).getScore()).isGreaterThan(0.999);
    assertThat(CollectingReporter.counter(SUPPRESSED_COUNTER)).isEqualTo(2);
    long timed = CollectingReporter.histogramCount(".*\\.match-watches\\.\\d+\\.watchMatchMicros");
    assertThat(timed).as("vectors matched against the watches, timed").isGreaterThanOrEqualTo(4);
  }

  /**
   * detect=objects,faces: an object watch (class person) from a person of one photo and a face
   * watch from a face, created while the job runs, each raise one alert for the copy of their photo
   * — naming the item that matched, its label and box — and none for the other photo.
   */
  @Test
  void objectAndFaceWatchesAlertOnTheMatchingItemOfACopy() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> options = watchingOptions("it-items", run);
    options.put("detect", "objects,faces");
    String events = options.get("topic.image-events");
    String embeddings = options.get("topic.embeddings");
    String watches = options.get("topic.watches");
    String alerts = options.get("topic.alerts");
    for (String name : List.of("messi5.jpg", "basketball1.jpg")) {
      byte[] bytes;
      try (var in = WatchesIT.class.getResourceAsStream("/photos-detect/" + name)) {
        bytes = in.readAllBytes();
      }
      put(name, bytes);
      put("copy-" + name, bytes);
    }

    JobClient job = JobHarness.startJob(EmbedderSettings.fromMap(options), "item-watches-it");
    List<ConsumerRecord<byte[], byte[]>> raised;
    long t0 = 1_700_000_000_000L;
    DetectedItem person;
    DetectedItem face;
    String faceImage;
    try {
      it.produce(
          events, event("messi5.jpg", t0 - 600_000L), event("basketball1.jpg", t0 - 500_000L));
      Map<String, ImageEmbedding> first = embeddings(embeddings, 2);
      List<DetectedItem> messi =
          DetectedItems.fromAvro(first.get(ImageIds.of(BUCKET, "messi5.jpg")).getObjects());
      person =
          messi.stream()
              .filter(i -> i.kind() == DetectedItem.Kind.OBJECT && i.label().equals("person"))
              .findFirst()
              .orElseThrow();
      String faceKey = null;
      DetectedItem found = null;
      for (String key : List.of("messi5.jpg", "basketball1.jpg")) {
        for (DetectedItem i :
            DetectedItems.fromAvro(first.get(ImageIds.of(BUCKET, key)).getObjects())) {
          if (found == null && i.kind() == DetectedItem.Kind.FACE) {
            found = i;
            faceKey = key;
          }
        }
      }
      assertThat(found).as("precondition: a face in one of the photos").isNotNull();
      face = found;
      faceImage = ImageIds.of(BUCKET, "copy-" + faceKey);

      Watch people =
          watch("people-" + run, WatchTarget.OBJECTS, 0.99)
              .setModel(person.model())
              .setVector(boxed(person.vector()))
              .setClasses(List.of("person"))
              .build();
      Watch someone =
          watch("face-" + run, WatchTarget.FACES, 0.99)
              .setModel(face.model())
              .setVector(boxed(face.vector()))
              .build();
      sendWatches(watches, people, someone);
      awaitActiveWatches(2);

      // the copies, more than the 60 s cooldown apart
      it.produce(
          events, event("copy-messi5.jpg", t0), event("copy-basketball1.jpg", t0 + 120_000L));
      embeddings(embeddings, 4);
      raised =
          consume(
              alerts,
              rs -> rs.size() >= 2,
              "alerts: " + CollectingReporter.counter(ALERTS_COUNTER));
      Thread.sleep(2_500); // two more checkpoints: nothing else may arrive
      raised = consume(alerts, rs -> rs.size() >= 2, "");
    } finally {
      job.cancel().get();
    }

    Map<String, Alert> byId = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : raised) {
      Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize(alerts, r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.getAlertId());
      byId.put(alert.getAlertId(), alert);
    }
    String messiCopy = ImageIds.of(BUCKET, "copy-messi5.jpg");
    String personAlert = AlertIds.of("people-" + run, messiCopy, person.index());
    String faceAlert = AlertIds.of("face-" + run, faceImage, face.index());
    assertThat(byId.keySet()).containsExactlyInAnyOrder(personAlert, faceAlert);
    Alert p = byId.get(personAlert);
    assertThat(p.getObjectIndex()).isEqualTo(person.index());
    assertThat(p.getLabel()).isEqualTo("person");
    assertThat(p.getScore()).isGreaterThan(0.999);
    assertThat(p.getBox().getX()).isEqualTo(person.box()[0]);
    assertThat(p.getBox().getWidth())
        .isCloseTo(person.box()[2] - person.box()[0], org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(p.getModel()).isEqualTo(person.model());
    Alert f = byId.get(faceAlert);
    assertThat(f.getLabel()).isEqualTo("face");
    assertThat(f.getModel()).isEqualTo(face.model());
    assertThat(f.getScore()).isGreaterThan(0.999);
  }

  /**
   * A watch created while the job is down takes effect when it is back: the job, with a
   * near-duplicate watch of the orange armed and alerting, is cancelled (no savepoint: like after a
   * crash, what it restores is its last completed checkpoint); while no job runs a second watch, of
   * the building, goes to the watches topic (as the API writes it); the job restarts from the
   * retained checkpoint — the first watch comes back from the broadcast state, the second is read
   * from the watches topic's checkpointed offset on — and a copy of each photo then raises that
   * watch's alert. Each expected alert id once, none for the building seen before its watch
   * existed.
   */
  @Test
  void watchCreatedWhileTheJobIsDownTakesEffectWhenItRestoresFromItsCheckpoint() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> options = watchingOptions("it-down", run);
    EmbedderSettings settings = EmbedderSettings.fromMap(options);
    String events = options.get("topic.image-events");
    String alerts = options.get("topic.alerts");
    java.nio.file.Path checkpoints = tmp.resolve("checkpoints-" + run);
    byte[] orange = TestImages.encode(photo("/golden/input-224.png"), "jpg");
    byte[] building = TestImages.encode(photo("/golden/input3-224.png"), "png");
    for (String key : List.of("orange.jpg", "orange-1.jpg", "orange-2.jpg")) {
      put(key, orange);
    }
    put("building.png", building);
    put("building-1.png", building);
    String oranges = "oranges-" + run;
    String buildings = "buildings-" + run;
    long t0 = 1_700_000_000_000L;

    JobClient job =
        JobHarness.startJobKeepingCheckpoints(settings, "watch-down-it", checkpoints, null);
    Map<String, ImageEmbedding> seen;
    try {
      it.produce(events, event("orange.jpg", t0), event("building.png", t0 + 1_000L));
      seen = embeddings(options.get("topic.embeddings"), 2);
      sendWatches(
          options.get("topic.watches"),
          nearDuplicates(oranges, seen.get(ImageIds.of(BUCKET, "orange.jpg"))));
      awaitActiveWatches(1);
      it.produce(events, event("orange-1.jpg", t0 + 2_000L));
      consume(alerts, rs -> rs.size() >= 1, "the first watch's alert before the stop");
      Thread.sleep(2_500); // a checkpoint that holds the watch and the alert's input offset
    } finally {
      job.cancel().get();
    }
    java.nio.file.Path restore = JobHarness.latestCheckpoint(checkpoints);

    // while no job runs
    sendWatches(
        options.get("topic.watches"),
        nearDuplicates(buildings, seen.get(ImageIds.of(BUCKET, "building.png"))));

    job = JobHarness.startJobKeepingCheckpoints(settings, "watch-down-it-2", checkpoints, restore);
    List<ConsumerRecord<byte[], byte[]>> raised;
    try {
      awaitActiveWatches(2); // the restored one and the one created while down
      it.produce(events, event("orange-2.jpg", t0 + 3_000L), event("building-1.png", t0 + 4_000L));
      raised = consume(alerts, rs -> alertIds(alerts, rs).size() >= 3, "after the restart");
      Thread.sleep(2_500); // two more checkpoints: nothing else may arrive
      raised = consume(alerts, rs -> alertIds(alerts, rs).size() >= 3, "after the restart");
    } finally {
      job.cancel().get();
    }
    System.out.printf(
        "WATCH-DOWN restored from %s: %d alert records, ids %s%n",
        restore.getFileName(), raised.size(), alertIds(alerts, raised));
    assertThat(alertIds(alerts, raised))
        .containsExactlyInAnyOrder(
            AlertIds.of(oranges, ImageIds.of(BUCKET, "orange-1.jpg")),
            AlertIds.of(oranges, ImageIds.of(BUCKET, "orange-2.jpg")),
            AlertIds.of(buildings, ImageIds.of(BUCKET, "building-1.png")));
  }

  /** A near-duplicate watch (distance 10, no cooldown) of the embedded image {@code e}. */
  static Watch nearDuplicates(String id, ImageEmbedding e) {
    return watch(id, WatchTarget.NEAR_DUPLICATES, 10)
        .setPhash(e.getPhash())
        .setCooldownMillis(0L)
        .build();
  }

  /** The distinct alert ids of {@code records} (the key, checked against the Avro alert's id). */
  static java.util.Set<String> alertIds(
      String topic, List<ConsumerRecord<byte[], byte[]>> records) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Alert alert = Topics.ALERTS.valueSerde().deserializer().deserialize(topic, r.value());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(alert.getAlertId());
      ids.add(alert.getAlertId());
    }
    return ids;
  }

  /**
   * The job's options of a run with watches and alerts topics of its own (created with the events
   * and dead-letter topics), small batches.
   */
  static Map<String, String> watchingOptions(String prefix, String run) {
    Map<String, String> options = it.jobOptions(prefix, run, tmp);
    String watches = prefix + "-watches-" + run;
    String alerts = prefix + "-alerts-" + run;
    options.put("topic.watches", watches);
    options.put("topic.alerts", alerts);
    options.put("batch.size", "2");
    options.put("batch.max-delay", "20ms");
    it.broker.createTopics(
        1, options.get("topic.image-events"), options.get("topic.dead-letters"), watches, alerts);
    return options;
  }

  static void sendWatches(String topic, Watch... ws) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      for (Watch w : ws) {
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    w.getId().getBytes(StandardCharsets.UTF_8),
                    Topics.WATCHES.valueSerde().serializer().serialize(topic, w)))
            .get();
      }
    }
  }

  static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add(x);
    }
    return out;
  }

  static java.awt.image.BufferedImage photo(String resource) throws java.io.IOException {
    try (var in = WatchesIT.class.getResourceAsStream(resource)) {
      return javax.imageio.ImageIO.read(in);
    }
  }

  static Watch.Builder watch(String id, WatchTarget target, double threshold) {
    return Watch.newBuilder()
        .setId(id)
        .setName(id)
        .setTarget(target)
        .setThreshold(threshold)
        .setSources(List.of(SOURCE))
        .setCooldownMillis(60_000L)
        .setCreatedAtMillis(System.currentTimeMillis())
        .setUpdatedAtMillis(System.currentTimeMillis());
  }

  static void put(String key, byte[] bytes) throws Exception {
    it.put(key, bytes);
  }

  static ImageEvent event(String key, long capturedAt) {
    return ImageEvent.newBuilder()
        .setImageId(ImageIds.of(BUCKET, key))
        .setType(ImageEventType.CREATED)
        .setBucket(BUCKET)
        .setKey(key)
        .setSource(SOURCE)
        .setCapturedAtMillis(capturedAt)
        .setEventTimeMillis(capturedAt)
        .build();
  }

  /** Waits (60 s at most) until the matching operator holds {@code n} watches. */
  static void awaitActiveWatches(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      long active = CollectingReporter.gauge(".*\\.match-watches\\.\\d+\\.watchesActive");
      if (active == n) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the job did not pick up " + n + " watches within 60 s");
  }

  static Map<String, ImageEmbedding> embeddings(String topic, int n) {
    Map<String, ImageEmbedding> out = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(topic, rs -> rs.size() >= n, "")) {
      ImageEmbedding e =
          Topics.EMBEDDINGS.valueSerde().deserializer().deserialize(topic, r.value());
      out.put(e.getImageId(), e);
    }
    return out;
  }

  static double cosine(List<Float> x, List<Float> y) {
    double dot = 0;
    double nx = 0;
    double ny = 0;
    for (int i = 0; i < x.size(); i++) {
      dot += x.get(i) * y.get(i);
      nx += x.get(i) * x.get(i);
      ny += y.get(i) * y.get(i);
    }
    return dot / Math.sqrt(nx * ny);
  }

  /**
   * Reads the topic from the beginning until {@code done} holds (60 s at most), then whatever else
   * is there.
   */
  static List<ConsumerRecord<byte[], byte[]>> consume(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, String context) {
    return it.consume(topic, done, context, Duration.ofMillis(500));
  }
}
