package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorRecord;
import io.milvus.v2.common.DataType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MilvusItemRowsTest {
  private static final DetectedItem CAR =
      new DetectedItem(
          Kind.OBJECT,
          3,
          "car",
          2,
          0.75f,
          new float[] {0.1f, 0.2f, 0.5f, 0.6f},
          "det@1",
          new float[] {0.6f, 0.8f});

  @Test
  void aRowReadsBackAsTheStoredItem() {
    VectorRecord image =
        new VectorRecord("img", new float[] {1f, 0f}, "b", "k.jpg", "cam-1", 42L, List.of("t"), "m")
            .withItems(List.of(CAR));
    JsonObject row = MilvusItemRows.row(image, CAR);
    assertThat(row.get(CollectionSpec.FIELD_ID).getAsString()).isEqualTo("img.o3");
    assertThat(row.get(CollectionSpec.FIELD_PARENT_ID).getAsString()).isEqualTo("img");
    @SuppressWarnings("unchecked")
    Map<String, Object> entity = new Gson().fromJson(row, Map.class);

    StoredItem s = MilvusItemRows.stored(Kind.OBJECT, entity);
    assertThat(s.id()).isEqualTo("img.o3");
    assertThat(s.source()).isEqualTo("cam-1");
    assertThat(s.capturedAtMillis()).isEqualTo(42L);
    assertThat(s.item().label()).isEqualTo("car");
    assertThat(s.item().classId()).isEqualTo(2);
    assertThat(s.item().score()).isCloseTo(0.75f, within(1e-6f));
    assertThat(s.item().box()).containsExactly(new float[] {0.1f, 0.2f, 0.5f, 0.6f}, within(1e-6f));
    assertThat(s.item().vector()).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
    assertThat(MilvusItemRows.estimatedBytes(image, CAR))
        .isGreaterThan(row.toString().length() / 2);
  }

  @Test
  void expressionsCombineTheImageFilterAndTheClasses() {
    assertThat(MilvusItemRows.expression(ItemFilter.NONE)).isEmpty();
    assertThat(MilvusItemRows.expression(ItemFilter.labels(Set.of("person", "car"))))
        .isEqualTo("label in [\"car\", \"person\"]");
    assertThat(
            MilvusItemRows.expression(
                new ItemFilter(
                    new SearchFilter(Set.of("cam-3"), 5L, null, Set.of()), Set.of("dog"))))
        .isEqualTo("source in [\"cam-3\"] and captured_at >= 5 and label in [\"dog\"]");
    assertThat(MilvusItemRows.parentIn(List.of("b", "a"))).isEqualTo("parent_id in [\"a\", \"b\"]");
  }

  @Test
  void imagesAreNewestFirstOncePerImageWithTheirBestItemAndPaged() {
    List<StoredItem> items =
        List.of(
            item("a", 0, 10, 0.5f),
            item("a", 1, 10, 0.9f),
            item("b", 0, 30, 0.4f),
            item("c", 0, 20, 0.6f),
            item("d", 0, 20, 0.7f));
    List<ItemHit> all = MilvusItemRows.imagesNewestFirst(items, 0, 10);
    assertThat(all).extracting(h -> h.stored().parentId()).containsExactly("b", "c", "d", "a");
    assertThat(all.get(3).similarity()).isEqualTo(0.9f);
    assertThat(MilvusItemRows.imagesNewestFirst(items, 1, 2))
        .extracting(h -> h.stored().parentId())
        .containsExactly("c", "d");
  }

  @Test
  void exactRankingIsByCosine() {
    var near =
        Map.<String, Object>of(
            "parent_id",
            "near",
            "captured_at",
            1L,
            "label",
            "car",
            "class_id",
            2,
            "item_index",
            0,
            "score",
            0.5f,
            "box",
            List.of(0f, 0f, 1f, 1f),
            "vector",
            List.of(1f, 0.1f));
    var far = new java.util.HashMap<String, Object>(near);
    far.put("parent_id", "far");
    far.put("vector", List.of(0f, 1f));
    List<ItemHit> hits =
        MilvusItemRows.rank(Kind.OBJECT, new float[] {1f, 0f}, 1, List.of(far, near));
    assertThat(hits).extracting(h -> h.stored().parentId()).containsExactly("near");
    assertThat(hits.get(0).similarity()).isCloseTo((float) (1 / Math.sqrt(1.01)), within(1e-5f));
  }

  @Test
  void itemCollectionsHaveTheSourcePartitionKeyAndTheItemFields() {
    var schema = MilvusSchemas.items(128);
    var fields = schema.getFieldSchemaList();
    assertThat(fields)
        .extracting(f -> f.getName())
        .contains(
            "id",
            "parent_id",
            "vector",
            "source",
            "captured_at",
            "tags",
            "label",
            "class_id",
            "item_index",
            "score",
            "box",
            "model");
    assertThat(fields)
        .filteredOn(f -> f.getName().equals("source"))
        .allMatch(f -> Boolean.TRUE.equals(f.getIsPartitionKey()));
    assertThat(fields)
        .filteredOn(f -> f.getName().equals("vector"))
        .allMatch(f -> f.getDimension() == 128);
    assertThat(fields)
        .filteredOn(f -> f.getName().equals("box"))
        .allMatch(f -> f.getElementType() == DataType.Float);
    assertThat(CollectionSpec.of("images", 4).objectsCollectionName()).isEqualTo("images_objects");
    assertThat(CollectionSpec.of("images", 4).facesCollectionName()).isEqualTo("images_faces");
  }

  private static StoredItem item(String image, int index, long capturedAt, float score) {
    return new StoredItem(
        image,
        "b",
        "k",
        "s",
        capturedAt,
        new DetectedItem(
            Kind.OBJECT, index, "person", 0, score, new float[] {0, 0, 1, 1}, "m", new float[0]));
  }
}
