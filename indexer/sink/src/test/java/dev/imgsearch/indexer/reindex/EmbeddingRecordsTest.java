package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingRecordsTest {
  static ImageEmbedding embedding(String id, String model, float... v) {
    List<Float> vector = new java.util.ArrayList<>();
    for (float x : v) {
      vector.add(x);
    }
    return ImageEmbedding.newBuilder()
        .setImageId(id)
        .setBucket("images")
        .setKey("cam/" + id + ".jpg")
        .setSource("cam-1")
        .setCapturedAtMillis(1234L)
        .setTags(List.of("a", "b"))
        .setModel(model)
        .setVector(vector)
        .setEventTimeMillis(99L)
        .setPhash(7L)
        .build();
  }

  @Test
  void aValueIsAnUpsertOfItsVectorAndMetadataAfterTheTopicsSerdeRoundTrip() {
    var serde = Topics.EMBEDDINGS.valueSerde();
    byte[] bytes = serde.serializer().serialize("t", embedding("img1", "m@1", 0.6f, 0.8f));
    IndexAction a =
        EmbeddingRecords.toIndexAction("img1", serde.deserializer().deserialize("t", bytes));
    assertThat(a.op()).isEqualTo(IndexAction.Op.UPSERT);
    assertThat(a.id()).isEqualTo("img1");
    assertThat(a.record().vector()).containsExactly(0.6f, 0.8f);
    assertThat(a.record().bucket()).isEqualTo("images");
    assertThat(a.record().key()).isEqualTo("cam/img1.jpg");
    assertThat(a.record().source()).isEqualTo("cam-1");
    assertThat(a.record().capturedAtMillis()).isEqualTo(1234L);
    assertThat(a.record().tags()).containsExactly("a", "b");
    assertThat(a.record().model()).isEqualTo("m@1");
    assertThat(a.record().phash()).as("the perceptual hash survives a re-index").isEqualTo(7L);
  }

  @Test
  void aGatedFramesSceneReferenceSurvivesAReindex() {
    var serde = Topics.EMBEDDINGS.valueSerde();
    ImageEmbedding gated = embedding("img3", "m@1", 0.6f, 0.8f);
    gated.setRepresentativeId("img1");
    gated.setSceneStartMillis(1000L);
    IndexAction a =
        EmbeddingRecords.toIndexAction(
            "img3",
            serde.deserializer().deserialize("t", serde.serializer().serialize("t", gated)));
    assertThat(a.record().scene())
        .isEqualTo(new dev.imgsearch.indexer.store.SceneRef("img1", 1000L));
    assertThat(EmbeddingRecords.toVectorRecord(embedding("img1", "m@1", 1f)).scene()).isNull();
  }

  @Test
  void aTombstoneIsADeleteOfItsKey() {
    assertThat(EmbeddingRecords.toIndexAction("img2", null)).isEqualTo(IndexAction.delete("img2"));
  }

  @Test
  void aRecordWithoutKeyOrWithAnotherImagesValueIsRejected() {
    assertThatThrownBy(() -> EmbeddingRecords.toIndexAction(null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddingRecords.toIndexAction("x", embedding("y", "m", 1f)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyed x holds image y");
  }

  @Test
  void theImagesDetectedObjectsAndFacesAreCarried() {
    ImageEmbedding e = embedding("img3", "m@1", 0.6f, 0.8f);
    var items =
        List.of(
            new dev.imgsearch.indexer.store.DetectedItem(
                dev.imgsearch.indexer.store.DetectedItem.Kind.OBJECT,
                2,
                "person",
                0,
                0.8f,
                new float[] {0.1f, 0.2f, 0.3f, 0.4f},
                "det@1",
                new float[] {0f, 1f}),
            new dev.imgsearch.indexer.store.DetectedItem(
                dev.imgsearch.indexer.store.DetectedItem.Kind.FACE,
                0,
                "face",
                -1,
                0.9f,
                new float[] {0.2f, 0.2f, 0.3f, 0.3f},
                "face@1",
                new float[] {1f, 0f, 0f}));
    e.setObjects(dev.imgsearch.indexer.store.DetectedItems.toAvro(items));
    var serde = Topics.EMBEDDINGS.valueSerde();

    IndexAction a =
        EmbeddingRecords.toIndexAction(
            "img3", serde.deserializer().deserialize("t", serde.serializer().serialize("t", e)));

    assertThat(a.record().items()).hasSize(2);
    var face = a.record().items().get(1);
    assertThat(face.kind()).isEqualTo(dev.imgsearch.indexer.store.DetectedItem.Kind.FACE);
    assertThat(face.index()).isZero();
    assertThat(face.label()).isEqualTo("face");
    assertThat(face.classId()).isEqualTo(-1);
    assertThat(face.score()).isEqualTo(0.9f);
    assertThat(face.box()).containsExactly(0.2f, 0.2f, 0.3f, 0.3f);
    assertThat(face.model()).isEqualTo("face@1");
    assertThat(face.vector()).containsExactly(1f, 0f, 0f);
    assertThat(a.record().items().get(0).label()).isEqualTo("person");
    assertThat(EmbeddingRecords.toIndexAction("img1", embedding("img1", "m", 1f)).record().items())
        .isEmpty();
  }
}
