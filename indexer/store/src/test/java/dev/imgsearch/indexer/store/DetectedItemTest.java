package dev.imgsearch.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.schemas.FieldLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Item ids and {@link DetectedItems#check}. */
class DetectedItemTest {
  private static final float[] BOX = {0f, 0f, 1f, 1f};

  @Test
  void itemIdsRoundTripAndFitTheLimit() {
    String parent = "0123456789abcdef0123456789abcdef";
    assertThat(DetectedItem.id(parent, Kind.OBJECT, 12)).isEqualTo(parent + ".o12");
    assertThat(DetectedItem.parseId(parent + ".f3"))
        .isEqualTo(new DetectedItem.ItemId(parent, Kind.FACE, 3));
    assertThat(DetectedItem.parseId("a.b.o0"))
        .isEqualTo(new DetectedItem.ItemId("a.b", Kind.OBJECT, 0));
    assertThat(
            FieldLimits.utf8Length(
                DetectedItem.id(
                    "x".repeat(FieldLimits.MAX_ID_BYTES), Kind.OBJECT, FieldLimits.MAX_ITEM_INDEX)))
        .isEqualTo(FieldLimits.MAX_ITEM_ID_BYTES);
  }

  @Test
  void malformedItemIdsAreRejectedWithAMessage() {
    for (String bad :
        new String[] {null, "", "abc", ".o1", "abc.", "abc.x1", "abc.o", "abc.o1x", "abc.o1234"}) {
      assertThatThrownBy(() -> DetectedItem.parseId(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an object or face id");
    }
  }

  @Test
  void itemsAreCheckedPerKindDimension() {
    VectorRecord ok =
        record(List.of(item(Kind.OBJECT, 0, 4), item(Kind.OBJECT, 1, 4), item(Kind.FACE, 0, 2)));
    DetectedItems.check(ok, 4, 2);
    assertThatThrownBy(() -> DetectedItems.check(ok, 4, 3))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("FACE 0")
        .hasMessageContaining("dimension 2");
    assertThatThrownBy(
            () ->
                DetectedItems.check(
                    record(List.of(item(Kind.FACE, 1, 2), item(Kind.FACE, 1, 2))), 4, 2))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("two FACE items with index 1");
    float[] nan = {Float.NaN, 0f, 0f, 0f};
    assertThatThrownBy(
            () ->
                DetectedItems.check(
                    record(
                        List.of(new DetectedItem(Kind.OBJECT, 0, "car", 2, 0.5f, BOX, "m", nan))),
                    4,
                    2))
        .isInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("non-finite");
  }

  private static VectorRecord record(List<DetectedItem> items) {
    return new VectorRecord("img", new float[] {1f, 0f, 0f, 0f}, "b", "k", "s", 1, List.of(), "m")
        .withItems(items);
  }

  private static DetectedItem item(Kind kind, int index, int dim) {
    float[] v = new float[dim];
    v[0] = 1f;
    return new DetectedItem(
        kind, index, kind == Kind.FACE ? "face" : "person", 0, 0.5f, BOX, "m", v);
  }
}
