package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.StoredItem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ObjectParams} and the pure grouping of {@link ObjectQueries}. */
class ObjectParamsTest {
  @Test
  void classesRepeatOrAreCommaSeparatedAndTextAddsItsClasses() {
    ObjectParams p =
        ObjectParams.fromQuery(
            Map.of(
                "class",
                List.of("Person, car", "dog"),
                "q",
                List.of("a van"),
                "group",
                List.of("Image"),
                "k",
                List.of("5"),
                "source",
                List.of("cam-3")));
    assertThat(p.classes()).containsExactlyInAnyOrder("person", "car", "dog", "truck");
    assertThat(p.group()).isEqualTo(ObjectParams.Grouping.IMAGE);
    assertThat(p.search().k()).isEqualTo(5);
    assertThat(p.search().filter().sources()).containsExactly("cam-3");
    ObjectParams none = ObjectParams.fromQuery(Map.of());
    assertThat(none.classes()).isEmpty();
    assertThat(none.group()).isEqualTo(ObjectParams.Grouping.NONE);
  }

  @Test
  void unknownClassesTextsWithoutClassesAndBadGroupingsAreRejectedWithAMessage() {
    assertThatThrownBy(() -> ObjectParams.fromQuery(Map.of("class", List.of("person,unicorn"))))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("unicorn")
        .hasMessageContaining("COCO");
    assertThatThrownBy(() -> ObjectParams.fromQuery(Map.of("q", List.of("red sunset"))))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("needs a text model");
    assertThatThrownBy(() -> ObjectParams.fromQuery(Map.of("group", List.of("camera"))))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("none, image or source");
    assertThatThrownBy(() -> ObjectParams.fromQuery(Map.of("q", List.of("a", "b"))))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("at most once");
    assertThatThrownBy(() -> ObjectEndpoints.kind("car")).isInstanceOf(InvalidQueryException.class);
    assertThat(ObjectEndpoints.kind("FACE")).isEqualTo(DetectedItem.Kind.FACE);
    assertThat(ObjectEndpoints.kind(null)).isEqualTo(DetectedItem.Kind.OBJECT);
  }

  @Test
  void groupingKeepsTheBestHitPerImageOrPerSource() {
    List<ItemHit> hits =
        List.of(
            hit("a", 0, "cam-1", 0.9f),
            hit("a", 1, "cam-1", 0.8f),
            hit("b", 0, "cam-1", 0.7f),
            hit("c", 0, "cam-2", 0.6f));
    assertThat(ObjectQueries.grouped(hits, ObjectParams.Grouping.NONE)).isEqualTo(hits);
    assertThat(ObjectQueries.grouped(hits, ObjectParams.Grouping.IMAGE))
        .extracting(h -> h.stored().id())
        .containsExactly("a.o0", "b.o0", "c.o0");
    assertThat(ObjectQueries.grouped(hits, ObjectParams.Grouping.SOURCE))
        .extracting(h -> h.stored().id())
        .containsExactly("a.o0", "c.o0");
  }

  private static ItemHit hit(String image, int index, String source, float score) {
    DetectedItem item =
        new DetectedItem(
            DetectedItem.Kind.OBJECT,
            index,
            "person",
            0,
            0.9f,
            new float[] {0, 0, 1, 1},
            "m",
            new float[] {1f});
    return new ItemHit(new StoredItem(image, "b", "k", source, 1L, item), score);
  }
}
