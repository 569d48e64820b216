package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The matching operator in Flink's operator test harness: broadcast watches, keyed cooldown,
 * snapshot and restore.
 */
class WatchMatchFunctionTest {
  static final String M = "m@1";
  static final String TOPIC = "watches";

  static KeyedBroadcastOperatorTestHarness<String, EmbeddingChange, KafkaRecord, AlertMessage>
      harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new WatchMatchFunction(),
        WatchMatchFunction::sourceKey,
        Types.STRING,
        WatchMatchFunction.WATCHES);
  }

  static Watch frameWatch(String id, long cooldownMillis, float... v) {
    return Watch.newBuilder()
        .setId(id)
        .setName("watch " + id)
        .setTarget(WatchTarget.FRAMES)
        .setModel(M)
        .setVector(toList(v))
        .setThreshold(0.9)
        .setCooldownMillis(cooldownMillis)
        .setCreatedAtMillis(1L)
        .setUpdatedAtMillis(1L)
        .build();
  }

  static KafkaRecord record(String id, Watch w) {
    byte[] value = w == null ? null : Topics.WATCHES.valueSerde().serializer().serialize(TOPIC, w);
    return new KafkaRecord(
        TOPIC, 0, 7L, id == null ? null : id.getBytes(StandardCharsets.UTF_8), value);
  }

  static EmbeddingChange image(
      String imageId, String source, long capturedAt, Long phash, float... v) {
    EmbeddingChange c = new EmbeddingChange();
    c.imageId = imageId;
    c.bucket = "images";
    c.key = imageId + ".jpg";
    c.source = source;
    c.capturedAtMillis = capturedAt;
    c.model = M;
    c.vector = v;
    c.phash = phash;
    c.tags = new String[0];
    return c;
  }

  static List<Alert> alerts(
      KeyedBroadcastOperatorTestHarness<String, EmbeddingChange, KafkaRecord, AlertMessage> h) {
    return h.extractOutputValues().stream()
        .map(
            m -> {
              Alert a = Topics.ALERTS.valueSerde().deserializer().deserialize("alerts", m.value);
              assertThat(m.alertId).isEqualTo(a.getAlertId());
              return a;
            })
        .toList();
  }

  @Test
  void aWatchRaisesOneAlertForAMatchingImageAndNoneForAnUnrelatedOne() throws Exception {
    try (var h = harness()) {
      h.processElement(image("before", "door", 1_000L, null, 1f, 0f), 0L); // no watch yet
      h.processBroadcastElement(record("w", frameWatch("w", 0L, 1f, 0f)), 0L);
      h.processElement(image("match", "door", 2_000L, null, 0.99f, 0.14f), 0L);
      h.processElement(image("unrelated", "door", 3_000L, null, 0f, 1f), 0L);

      List<Alert> alerts = alerts(h);
      assertThat(alerts).extracting(Alert::getImageId).containsExactly("match");
      Alert a = alerts.get(0);
      assertThat(a.getAlertId()).isEqualTo(AlertIds.of("w", "match"));
      assertThat(a.getWatchId()).isEqualTo("w");
      assertThat(a.getKey()).isEqualTo("match.jpg");
      assertThat(a.getSource()).isEqualTo("door");
      assertThat(a.getScore()).isGreaterThan(0.98);
      assertThat(a.getCapturedAtMillis()).isEqualTo(2_000L);
      assertThat(h.extractOutputValues().get(0).timestampMillis)
          .as("matched now")
          .isEqualTo(a.getMatchedAtMillis())
          .isGreaterThan(2_000L);
    }
  }

  @Test
  void cooldownIsPerWatchAndSourceOnCaptureTime() throws Exception {
    try (var h = harness()) {
      h.processBroadcastElement(record("w", frameWatch("w", 60_000L, 1f, 0f)), 0L);
      h.processElement(image("a", "door", 100_000L, null, 1f, 0f), 0L);
      h.processElement(image("b", "door", 130_000L, null, 1f, 0f), 0L); // within 60 s: suppressed
      h.processElement(
          image("c", "yard", 130_000L, null, 1f, 0f), 0L); // other source: own cooldown
      h.processElement(image("d", "door", 160_000L, null, 1f, 0f), 0L); // 60 s after the alert of a
      assertThat(alerts(h)).extracting(Alert::getImageId).containsExactly("a", "c", "d");
    }
  }

  @Test
  void aDeletedAndRecreatedWatchStartsWithoutCooldown() throws Exception {
    try (var h = harness()) {
      h.processBroadcastElement(record("w", frameWatch("w", 60_000L, 1f, 0f)), 0L);
      h.processElement(image("a", "door", 100_000L, null, 1f, 0f), 0L);
      h.processBroadcastElement(record("w", null), 0L);
      h.processBroadcastElement(record("w", frameWatch("w", 60_000L, 1f, 0f)), 0L);
      h.processElement(
          image("b", "door", 110_000L, null, 1f, 0f),
          0L); // the old cooldown is gone with the watch
      h.processElement(
          image("c", "door", 120_000L, null, 1f, 0f), 0L); // the new watch's cooldown applies
      assertThat(alerts(h)).extracting(Alert::getImageId).containsExactly("a", "b");
    }
  }

  @Test
  void nearDuplicatesMatchByPhash() throws Exception {
    try (var h = harness()) {
      Watch copy =
          Watch.newBuilder()
              .setId("copy")
              .setName("copies")
              .setTarget(WatchTarget.NEAR_DUPLICATES)
              .setPhash(0xF0F0L)
              .setThreshold(2)
              .setCooldownMillis(0L)
              .setCreatedAtMillis(1L)
              .setUpdatedAtMillis(1L)
              .build();
      h.processBroadcastElement(record("copy", copy), 0L);
      h.processElement(image("near", "s", 1L, 0xF0F3L, 1f, 0f), 0L); // 2 bits
      h.processElement(image("far", "s", 2L, 0xF0F7L, 1f, 0f), 0L); // 3 bits
      List<Alert> alerts = alerts(h);
      assertThat(alerts).extracting(Alert::getImageId).containsExactly("near");
      assertThat(alerts.get(0).getHammingDistance()).isEqualTo(2);
    }
  }

  static Watch itemWatch(
      String id,
      WatchTarget target,
      String model,
      long cooldownMillis,
      List<String> classes,
      float... v) {
    return Watch.newBuilder(frameWatch(id, cooldownMillis, v))
        .setTarget(target)
        .setModel(model)
        .setClasses(classes)
        .build();
  }

  static DetectedItem item(
      DetectedItem.Kind kind, int index, String label, String model, float... v) {
    return new DetectedItem(
        kind, index, label, 0, 0.9f, new float[] {0.25f, 0.5f, 0.75f, 1f}, model, v);
  }

  @Test
  void objectWatchesMatchTheDetectedObjectsOfTheirClassesOneAlertPerItem() throws Exception {
    try (var h = harness()) {
      h.processBroadcastElement(
          record("cars", itemWatch("cars", WatchTarget.OBJECTS, M, 0L, List.of("car"), 1f, 0f)),
          0L);
      EmbeddingChange street = image("street", "door", 1_000L, null, 0f, 1f); // the frame: no match
      street.items =
          List.of(
              item(DetectedItem.Kind.OBJECT, 0, "person", M, 1f, 0f),
              item(DetectedItem.Kind.OBJECT, 1, "car", M, 0.8f, 0.6f), // below 0.9
              item(DetectedItem.Kind.OBJECT, 2, "car", M, 0.99f, 0.14f),
              item(DetectedItem.Kind.OBJECT, 3, "car", M, 1f, 0f));
      h.processElement(street, 0L);

      List<Alert> alerts = alerts(h);
      assertThat(alerts).extracting(Alert::getObjectIndex).containsExactly(3, 2); // best first
      assertThat(alerts)
          .extracting(Alert::getAlertId)
          .containsExactly(AlertIds.of("cars", "street", 3), AlertIds.of("cars", "street", 2));
      Alert a = alerts.get(0);
      assertThat(a.getLabel()).isEqualTo("car");
      assertThat(a.getImageId()).isEqualTo("street");
      assertThat(a.getBox().getX()).isEqualTo(0.25f);
      assertThat(a.getBox().getWidth()).isEqualTo(0.5f);
      assertThat(a.getBox().getHeight()).isEqualTo(0.5f);
      assertThat(a.getScore()).isGreaterThan(0.999);
    }
  }

  @Test
  void withACooldownOnlyTheBestItemOfAnImageAlertsAndFacesMatchFaceWatches() throws Exception {
    String faceModel = "faces@1";
    try (var h = harness()) {
      h.processBroadcastElement(
          record("bob", itemWatch("bob", WatchTarget.FACES, faceModel, 60_000L, List.of(), 0f, 1f)),
          0L);
      EmbeddingChange group = image("group", "door", 100_000L, null, 0f, 1f);
      group.items =
          List.of(
              item(DetectedItem.Kind.OBJECT, 0, "person", faceModel, 0f, 1f), // not a face
              item(DetectedItem.Kind.FACE, 0, "face", faceModel, 0.14f, 0.99f),
              item(DetectedItem.Kind.FACE, 1, "face", faceModel, 0f, 1f));
      h.processElement(group, 0L);
      EmbeddingChange soon = image("soon", "door", 130_000L, null, 1f, 0f);
      soon.items = List.of(item(DetectedItem.Kind.FACE, 0, "face", faceModel, 0f, 1f));
      h.processElement(soon, 0L); // within the cooldown of the alert for group
      EmbeddingChange later = image("later", "door", 170_000L, null, 1f, 0f);
      later.items = soon.items;
      later.vector = null; // items alone are matched too
      h.processElement(later, 0L);

      List<Alert> alerts = alerts(h);
      assertThat(alerts)
          .extracting(Alert::getAlertId)
          .containsExactly(AlertIds.of("bob", "group", 1), AlertIds.of("bob", "later", 0));
      assertThat(alerts.get(0).getModel()).isEqualTo(faceModel);
    }
  }

  @Test
  void tombstonesDeleteWatchesAndImageDeletionsMatchNothing() throws Exception {
    try (var h = harness()) {
      h.processBroadcastElement(record("w", frameWatch("w", 0L, 1f, 0f)), 0L);
      h.processElement(EmbeddingChange.deletion("gone", 5L), 0L);
      h.processBroadcastElement(record("w", null), 0L);
      h.processElement(image("after-delete", "s", 1L, null, 1f, 0f), 0L);
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.getBroadcastState(WatchMatchFunction.WATCHES).contains("w")).isFalse();
    }
  }

  @Test
  void anInvalidWatchIsDeadLetteredAndReplacesTheEarlierVersion() throws Exception {
    try (var h = harness()) {
      h.processBroadcastElement(record("w", frameWatch("w", 0L, 1f, 0f)), 0L);
      h.processBroadcastElement(record("w", frameWatch("w", 0L, 0f, 0f)), 0L); // all-zero vector
      h.processBroadcastElement(
          new KafkaRecord(TOPIC, 0, 9L, "x".getBytes(StandardCharsets.UTF_8), "junk".getBytes()),
          0L);
      h.processBroadcastElement(record("other-key", frameWatch("w2", 0L, 1f, 0f)), 0L);
      h.processElement(image("i", "s", 1L, null, 1f, 0f), 0L);

      assertThat(h.extractOutputValues()).isEmpty();
      List<DeadLetter> dead =
          h.getSideOutput(WatchMatchFunction.DEAD_LETTERS).stream().map(r -> r.getValue()).toList();
      assertThat(dead).hasSize(3);
      assertThat(dead)
          .allSatisfy(
              d -> {
                assertThat(d.reason()).isEqualTo("invalid-watch");
                assertThat(d.stage()).isEqualTo(WatchMatchFunction.STAGE);
                assertThat(d.originalTopic()).isEqualTo(TOPIC);
              });
      assertThat(dead.get(0).detail()).contains("all zeros");
      assertThat(dead.get(1).detail()).contains("not a valid Avro record");
      assertThat(dead.get(2).detail()).contains("is not the watch id");
    }
  }

  @Test
  void watchesAndCooldownsSurviveARestoreFromACheckpoint() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.processBroadcastElement(record("w", frameWatch("w", 60_000L, 1f, 0f)), 0L);
      h.processElement(image("a", "door", 100_000L, null, 1f, 0f), 0L);
      assertThat(alerts(h)).hasSize(1);
      snapshot = h.snapshot(1L, 1L);
    }
    try (var restored =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new WatchMatchFunction(), List.of(WatchMatchFunction.WATCHES)),
            WatchMatchFunction::sourceKey,
            Types.STRING,
            1,
            1,
            0)) {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(
          image("b", "door", 110_000L, null, 1f, 0f), 0L); // in the restored cooldown
      restored.processElement(
          image("c", "yard", 110_000L, null, 1f, 0f), 0L); // the restored watch matches
      assertThat(alerts(restored)).extracting(Alert::getImageId).containsExactly("c");
    }
  }

  static List<Float> toList(float... v) {
    Float[] boxed = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return List.of(boxed);
  }
}
