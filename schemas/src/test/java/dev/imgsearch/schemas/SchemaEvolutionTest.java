package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.AlertBox;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Every schema change stays compatible both ways with every released version, and old records still
 * decode.
 */
class SchemaEvolutionTest {

  static void assertCompatibleBothWays(Schema current, List<Schema> history) {
    assertThat(history).as("released versions of " + current.getName()).isNotEmpty();
    for (Schema old : history) {
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType())
          .as("current %s reads %s", current.getName(), old)
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, current).getType())
          .as("%s reads current %s", old, current.getName())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void imageEventIsCompatibleWithEveryReleasedVersion() {
    assertCompatibleBothWays(
        ImageEvent.getClassSchema(),
        SchemaHistory.versions("ImageEvent", ImageEventType.getClassSchema()));
  }

  @Test
  void imageEmbeddingIsCompatibleWithEveryReleasedVersion() {
    assertCompatibleBothWays(
        ImageEmbedding.getClassSchema(), SchemaHistory.versions("ImageEmbedding"));
  }

  @Test
  void anEmbeddingWrittenWithTheFirstSchemaStillDecodes() throws Exception {
    Schema v1 = SchemaHistory.versions("ImageEmbedding").get(0);
    assertThat(v1.getField("phash")).isNull();
    GenericRecord old = embedding(v1, List.of("door"));
    byte[] wire = encode(v1, old);

    ImageEmbedding decoded = Topics.EMBEDDINGS.valueSerde().deserializer().deserialize("t", wire);

    assertThat(decoded.getImageId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(decoded.getVector()).containsExactly(0.6f, 0.8f);
    assertThat(decoded.getPhash()).isNull();
    assertThat(decoded.getRepresentativeId()).isNull(); // scene-change gating fields
    assertThat(decoded.getSceneStartMillis()).isNull();
  }

  @Test
  void watchAndAlertAreCompatibleWithEveryReleasedVersion() {
    assertCompatibleBothWays(Watch.getClassSchema(), SchemaHistory.versions("Watch"));
    assertCompatibleBothWays(Alert.getClassSchema(), SchemaHistory.versions("Alert"));
  }

  @Test
  void aWatchRoundTripsWithItsDefaults() {
    Watch w =
        Watch.newBuilder()
            .setId("w-1")
            .setName("red car")
            .setTarget(WatchTarget.OBJECTS)
            .setModel("m@1")
            .setVector(List.of(0.6f, 0.8f))
            .setThreshold(0.9)
            .setClasses(List.of("car"))
            .setCreatedAtMillis(1L)
            .setUpdatedAtMillis(2L)
            .build();
    byte[] wire = Topics.WATCHES.valueSerde().serializer().serialize("t", w);
    Watch back = Topics.WATCHES.valueSerde().deserializer().deserialize("t", wire);
    assertThat(back).isEqualTo(w);
    assertThat(back.getEnabled()).isTrue();
    assertThat(back.getCooldownMillis()).isEqualTo(60_000L);
    assertThat(back.getSources()).isEmpty();
    assertThat(back.getHoursOfDay()).isEmpty();
    assertThat(back.getPhash()).isNull();
    assertThat(Topics.WATCHES.valueSerde().serializer().serialize("t", null))
        .as("tombstone")
        .isNull();
  }

  @Test
  void aWatchWrittenBeforeWebhooksDecodesWithNoneAndOneWithAWebhookRoundTrips() throws Exception {
    Schema v1 = SchemaHistory.versions("Watch", WatchTarget.getClassSchema()).get(0);
    assertThat(v1.getField("webhook")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "w-1");
    old.put("name", "dupes");
    old.put(
        "target", new GenericData.EnumSymbol(v1.getField("target").schema(), "NEAR_DUPLICATES"));
    old.put("phash", 7L);
    old.put("threshold", 4.0);
    old.put("classes", List.of());
    old.put("sources", List.of());
    old.put("hoursOfDay", List.of());
    old.put("cooldownMillis", 1000L);
    old.put("enabled", true);
    old.put("createdAtMillis", 1L);
    old.put("updatedAtMillis", 2L);
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] wire = new byte[bytes.remaining()];
    bytes.get(wire);
    var serde = Topics.WATCHES.valueSerde();

    Watch decoded = serde.deserializer().deserialize("t", wire);
    assertThat(decoded.getWebhook()).isNull();
    assertThat(decoded.getPhash()).isEqualTo(7L);

    decoded.setWebhook("https://hooks.example.com/imgsearch");
    Watch again = serde.deserializer().deserialize("t", serde.serializer().serialize("t", decoded));
    assertThat(again.getWebhook()).isEqualTo("https://hooks.example.com/imgsearch");
  }

  @Test
  void anAlertRoundTripsWithABox() {
    Alert a =
        Alert.newBuilder()
            .setAlertId(AlertIds.of("w-1", "img", 0))
            .setWatchId("w-1")
            .setWatchName("red car")
            .setImageId("img")
            .setBucket("images")
            .setKey("a.jpg")
            .setSource("cam-1")
            .setObjectIndex(0)
            .setLabel("car")
            .setBox(new AlertBox(0.1f, 0.2f, 0.3f, 0.4f))
            .setScore(0.93)
            .setCapturedAtMillis(5L)
            .setMatchedAtMillis(6L)
            .build();
    byte[] wire = Topics.ALERTS.valueSerde().serializer().serialize("t", a);
    assertThat(Topics.ALERTS.valueSerde().deserializer().deserialize("t", wire)).isEqualTo(a);
  }

  @Test
  void anEmbeddingWithoutObjectsDecodesWithNoneAndOneWithObjectsRoundTrips() throws Exception {
    Schema v2 = SchemaHistory.versions("ImageEmbedding").get(1);
    assertThat(v2.getField("objects")).isNull();
    GenericRecord old = embedding(v2, List.of());
    old.put("phash", 7L);
    byte[] wire = encode(v2, old);
    var serde = Topics.EMBEDDINGS.valueSerde();

    ImageEmbedding decoded = serde.deserializer().deserialize("t", wire);
    assertThat(decoded.getObjects()).isEmpty();
    assertThat(decoded.getPhash()).isEqualTo(7L);

    decoded.setObjects(
        List.of(
            dev.imgsearch.schemas.avro.DetectedItem.newBuilder()
                .setKind(dev.imgsearch.schemas.avro.DetectedKind.FACE)
                .setIndex(0)
                .setLabel("face")
                .setClassId(-1)
                .setScore(0.75f)
                .setBox(List.of(0.1f, 0.2f, 0.3f, 0.4f))
                .setModel("blazeface+faceres@1")
                .setVector(List.of(1f, 0f, 0f))
                .build()));
    ImageEmbedding again =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", decoded));
    assertThat(again.getObjects()).hasSize(1);
    assertThat(again.getObjects().get(0).getKind())
        .isEqualTo(dev.imgsearch.schemas.avro.DetectedKind.FACE);
    assertThat(again.getObjects().get(0).getBox()).containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
    assertThat(again.getObjects().get(0).getVector()).containsExactly(1f, 0f, 0f);
  }

  /** An embedding of an old schema version {@code v}, with the fields every version has. */
  private static GenericRecord embedding(Schema v, List<String> tags) {
    GenericRecord old = new GenericData.Record(v);
    old.put("imageId", "0123456789abcdef0123456789abcdef");
    old.put("bucket", "images");
    old.put("key", "a.jpg");
    old.put("source", "cam-1");
    old.put("capturedAtMillis", 5L);
    old.put("tags", tags);
    old.put("model", "m@1");
    old.put("vector", List.of(0.6f, 0.8f));
    old.put("eventTimeMillis", 6L);
    return old;
  }

  /** {@code record} in the single-object encoding of schema {@code v}, as on the topic. */
  private static byte[] encode(Schema v, GenericRecord record) throws Exception {
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v).encode(record);
    byte[] wire = new byte[bytes.remaining()];
    bytes.get(wire);
    return wire;
  }
}
