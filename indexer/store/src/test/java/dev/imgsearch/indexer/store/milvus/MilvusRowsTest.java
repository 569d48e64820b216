package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MilvusRowsTest {
  private static final VectorRecord RECORD =
      new VectorRecord(
          "img-1",
          new float[] {0.5f, -0.25f},
          "photos",
          "a/b.jpg",
          "cam-1",
          1_700L,
          List.of("x", "y"),
          "m");

  @Test
  void theMainRowHoldsEveryFieldAndFlagsAMissingHash() {
    var row = MilvusRows.row(RECORD);
    assertThat(MilvusRows.id(row)).isEqualTo("img-1");
    assertThat(row.getAsJsonArray("vector"))
        .containsExactly(
            new com.google.gson.JsonPrimitive(0.5f), new com.google.gson.JsonPrimitive(-0.25f));
    assertThat(row.get("bucket").getAsString()).isEqualTo("photos");
    assertThat(row.get("key").getAsString()).isEqualTo("a/b.jpg");
    assertThat(row.get("source").getAsString()).isEqualTo("cam-1");
    assertThat(row.get("model").getAsString()).isEqualTo("m");
    assertThat(row.get("captured_at").getAsLong()).isEqualTo(1_700L);
    assertThat(row.getAsJsonArray("tags")).hasSize(2);
    assertThat(row.get("phash").getAsLong()).isZero();
    assertThat(row.get("has_phash").getAsBoolean()).isFalse();

    var hashed = MilvusRows.row(RECORD.withPhash(-2L));
    assertThat(hashed.get("phash").getAsLong()).isEqualTo(-2L);
    assertThat(hashed.get("has_phash").getAsBoolean()).isTrue();
  }

  @Test
  void theCompanionRowHoldsTheHashAsBigEndianBytesAndTheHitFields() {
    var row = MilvusRows.phashRow(RECORD.withPhash(0x0102030405060708L));
    JsonArray hash = row.getAsJsonArray("phash");
    assertThat(hash).hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(hash.get(i).getAsByte()).isEqualTo((byte) (i + 1));
    }
    assertThat(row.keySet())
        .containsExactlyInAnyOrder(
            "id",
            "phash",
            "bucket",
            "key",
            "source",
            "captured_at",
            "tags",
            "scene_of",
            "scene_start");
    assertThat(MilvusRows.phashBytes(-1L)).containsOnly((byte) 0xff);
  }

  @Test
  void bothRowsHoldTheSceneReferenceOrEmptyAndZero() {
    VectorRecord gated = RECORD.withPhash(1L).withScene(new SceneRef("rep-1", 1_500L));
    for (var row : List.of(MilvusRows.row(gated), MilvusRows.phashRow(gated))) {
      assertThat(row.get("scene_of").getAsString()).isEqualTo("rep-1");
      assertThat(row.get("scene_start").getAsLong()).isEqualTo(1_500L);
    }
    VectorRecord embedded = RECORD.withPhash(1L);
    for (var row : List.of(MilvusRows.row(embedded), MilvusRows.phashRow(embedded))) {
      assertThat(row.get("scene_of").getAsString()).isEmpty();
      assertThat(row.get("scene_start").getAsLong()).isZero();
    }
  }

  @Test
  void theSceneFieldsAreReadOnlyFromCollectionsThatHaveThem() {
    assertThat(MilvusRows.hitFields(false))
        .containsExactly("bucket", "key", "source", "captured_at", "tags");
    assertThat(MilvusRows.hitFields(true))
        .containsExactly(
            "bucket", "key", "source", "captured_at", "tags", "scene_of", "scene_start");
    assertThat(MilvusRows.allFields(false))
        .doesNotContain("scene_of", "scene_start")
        .contains("id", "vector", "model", "phash", "has_phash");
    assertThat(MilvusRows.allFields(true))
        .containsAll(MilvusRows.allFields(false))
        .endsWith("scene_of", "scene_start");
  }

  @Test
  void entitiesCarryTheirSceneWhenTheyHaveAReference() {
    Map<String, Object> e = new HashMap<>();
    e.put("id", "img-1");
    e.put("vector", List.of(0.5, -0.25));
    e.put("captured_at", 3_000L);
    e.put("scene_of", "rep-1");
    e.put("scene_start", 1_000L);
    assertThat(MilvusRows.hit("img-1", 1f, e).scene()).isEqualTo(new SceneRef("rep-1", 1_000L));
    assertThat(MilvusRows.duplicate("img-1", 3, e).scene())
        .isEqualTo(new SceneRef("rep-1", 1_000L));
    assertThat(MilvusRows.record(e).scene()).isEqualTo(new SceneRef("rep-1", 1_000L));

    e.put("scene_of", "");
    e.put("scene_start", 0L);
    assertThat(MilvusRows.hit("img-1", 1f, e).scene()).as("embedded itself").isNull();
    e.remove("scene_of");
    e.remove("scene_start");
    assertThat(MilvusRows.record(e).scene()).as("a collection without the fields").isNull();
    assertThat(MilvusRows.hit("img-1", 1f, e).scene()).isNull();
  }

  @Test
  void sizeEstimatesCountTheVectorOrTheHash() {
    long main = MilvusRows.estimatedBytes(RECORD);
    // 2 floats, text = 5 + 6 + 7 + 5 + 1 + (1 + 8) * 2 = 42
    assertThat(main).isEqualTo(4 * 2 + 3 * 42 + 64);
    assertThat(MilvusRows.estimatedPhashBytes(RECORD)).isEqualTo(main - 8 + 8);
    // a scene: its representative's id (5) and start (8) more text
    assertThat(MilvusRows.estimatedBytes(RECORD.withScene(new SceneRef("rep-1", 1L))))
        .isEqualTo(main + 3 * (5 + 8));
  }

  @Test
  void entitiesBecomeRecordsAndHits() {
    Map<String, Object> e = new HashMap<>();
    e.put("id", "img-1");
    e.put("vector", List.of(0.5, -0.25));
    e.put("bucket", "photos");
    e.put("key", "a/b.jpg");
    e.put("source", "cam-1");
    e.put("captured_at", 1_700L);
    e.put("tags", List.of("x", "y"));
    e.put("model", "m");
    e.put("phash", 42L);
    e.put("has_phash", false);

    VectorRecord record = MilvusRows.record(e);
    assertThat(record.vector()).containsExactly(new float[] {0.5f, -0.25f}, within(0f));
    assertThat(record.tags()).containsExactly("x", "y");
    assertThat(record.phash()).as("has_phash false: no hash").isNull();
    e.put("has_phash", true);
    assertThat(MilvusRows.record(e).phash()).isEqualTo(42L);

    e.remove("bucket");
    e.put("tags", null);
    SearchHit hit = MilvusRows.hit("img-1", 0.75f, e);
    assertThat(hit)
        .isEqualTo(new SearchHit("img-1", 0.75f, "", "a/b.jpg", "cam-1", 1_700L, List.of()));
    SearchHit duplicate = MilvusRows.duplicate("img-1", 16, e);
    assertThat(duplicate.distance()).isEqualTo(16);
    assertThat(duplicate.score()).isEqualTo(0.75f);
    assertThat(duplicate.source()).isEqualTo("cam-1");
  }
}
