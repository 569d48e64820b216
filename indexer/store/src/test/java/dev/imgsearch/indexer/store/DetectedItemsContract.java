package dev.imgsearch.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.schemas.FieldLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The objects and faces part of the store contract ({@link DetectedItemStore}), run on every store
 * with {@link VectorStoreContract}: an image's items are stored, replaced, deleted and made visible
 * with the image; they are searchable by vector per kind, by class and as a metadata query; frame
 * searches never see them.
 */
public interface DetectedItemsContract {
  int OBJECT_DIM = VectorStoreContract.DIM;

  /** A fresh, ensured store of the running test (closed by the contract). */
  VectorStore itemsTestStore();

  @Test
  default void anImagesObjectsAndFacesAreStoredWithTheImageAndReadBack() {
    VectorStore store = itemsTestStore();
    int faceDim = store.items().faceDimension();
    DetectedItem person = object(0, "person", 0, 0.9f, 0);
    DetectedItem car = object(1, "car", 2, 0.6f, 1);
    DetectedItem face = face(0, faceDim, 3);
    store.upsert(List.of(image("img-1", "cam-1", 5_000, List.of(person, car, face))));
    store.flush();

    assertThat(store.count()).as("items are not images").isEqualTo(1);
    assertThat(store.search(VectorStoreContract.basis(0), 10, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("img-1");
    List<StoredItem> items = store.items().itemsOf("img-1");
    assertThat(items)
        .extracting(StoredItem::id)
        .containsExactly("img-1.o0", "img-1.o1", "img-1.f0");
    StoredItem got = store.items().getItem("img-1.o1").orElseThrow();
    assertThat(got.parentId()).isEqualTo("img-1");
    assertThat(got.bucket()).isEqualTo("bucket");
    assertThat(got.key()).isEqualTo("key/img-1");
    assertThat(got.source()).isEqualTo("cam-1");
    assertThat(got.capturedAtMillis()).isEqualTo(5_000);
    assertThat(got.item().kind()).isEqualTo(Kind.OBJECT);
    assertThat(got.item().label()).isEqualTo("car");
    assertThat(got.item().classId()).isEqualTo(2);
    assertThat(got.item().score()).isCloseTo(0.6f, within(1e-6f));
    assertThat(got.item().box())
        .containsExactly(new float[] {0.1f, 0.2f, 0.4f, 0.8f}, within(1e-6f));
    assertThat(got.item().model()).isEqualTo("det@1");
    assertThat(got.item().vector()).containsExactly(VectorStoreContract.basis(1), within(1e-6f));
    StoredItem gotFace = store.items().getItem("img-1.f0").orElseThrow();
    assertThat(gotFace.item().kind()).isEqualTo(Kind.FACE);
    assertThat(gotFace.item().vector()).hasSize(faceDim);
    assertThat(store.items().getItem("img-1.o7")).isEmpty();
    assertThat(store.items().itemsOf("img-2")).isEmpty();
  }

  @Test
  default void anOverwriteReplacesAllItemsAndADeleteRemovesThem() {
    VectorStore store = itemsTestStore();
    int faceDim = store.items().faceDimension();
    store.upsert(
        List.of(
            image(
                "a",
                "cam-1",
                1,
                List.of(
                    object(0, "person", 0, 0.9f, 0),
                    object(1, "car", 2, 0.8f, 1),
                    object(2, "dog", 16, 0.7f, 2),
                    face(0, faceDim, 0))),
            image("b", "cam-1", 2, List.of(object(0, "person", 0, 0.9f, 3)))));
    store.flush();
    store.upsert(List.of(image("a", "cam-2", 3, List.of(object(0, "bus", 5, 0.5f, 4)))));
    store.flush();

    assertThat(store.items().itemsOf("a")).extracting(StoredItem::id).containsExactly("a.o0");
    StoredItem kept = store.items().getItem("a.o0").orElseThrow();
    assertThat(kept.item().label()).isEqualTo("bus");
    assertThat(kept.source()).as("items follow the image's new source").isEqualTo("cam-2");
    assertThat(store.items().getItem("a.o1")).isEmpty();
    assertThat(store.items().getItem("a.f0")).isEmpty();
    assertThat(
            store
                .items()
                .searchItems(Kind.OBJECT, VectorStoreContract.basis(1), 10, ItemFilter.NONE))
        .extracting(h -> h.stored().id())
        .containsExactlyInAnyOrder("a.o0", "b.o0");
    assertThat(store.items().searchItems(Kind.FACE, faceVector(faceDim, 0), 10, ItemFilter.NONE))
        .isEmpty();

    store.upsert(List.of(image("b", "cam-1", 2, List.of())));
    store.delete(List.of("a"));
    store.flush();
    assertThat(store.items().itemsOf("a")).isEmpty();
    assertThat(store.items().itemsOf("b")).as("an overwrite without items removes them").isEmpty();
    assertThat(
            store
                .items()
                .searchItems(Kind.OBJECT, VectorStoreContract.basis(0), 10, ItemFilter.NONE))
        .isEmpty();
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  default void itemSearchIsPerKindNearestFirstAndFiltersByClassSourceAndTime() {
    VectorStore store = itemsTestStore();
    int faceDim = store.items().faceDimension();
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(
          image(
              "img-" + i,
              i % 2 == 0 ? "cam-a" : "cam-b",
              1_000L * i,
              List.of(
                  new DetectedItem(
                      Kind.OBJECT,
                      0,
                      i < 3 ? "person" : "car",
                      i < 3 ? 0 : 2,
                      0.9f,
                      box(),
                      "det@1",
                      VectorStoreContract.angled(i * 0.2)),
                  face(0, faceDim, i))));
    }
    store.upsert(rows);
    store.flush();
    DetectedItemStore items = store.items();

    List<ItemHit> hits =
        items.searchItems(Kind.OBJECT, VectorStoreContract.angled(0), 3, ItemFilter.NONE);
    assertThat(hits)
        .extracting(h -> h.stored().id())
        .containsExactly("img-0.o0", "img-1.o0", "img-2.o0");
    assertThat(hits.get(0).similarity()).isCloseTo(1f, within(1e-4f));
    assertThat(hits.get(1).similarity()).isCloseTo((float) Math.cos(0.2), within(1e-3f));
    assertThat(hits.get(0).stored().item().box()).containsExactly(box(), within(1e-6f));

    assertThat(
            items.searchItems(
                Kind.OBJECT, VectorStoreContract.angled(0), 10, ItemFilter.labels(Set.of("car"))))
        .extracting(h -> h.stored().id())
        .containsExactly("img-3.o0", "img-4.o0", "img-5.o0");
    ItemFilter carsOnB =
        new ItemFilter(new SearchFilter(Set.of("cam-b"), null, 5_000L, Set.of()), Set.of("car"));
    assertThat(items.searchItems(Kind.OBJECT, VectorStoreContract.angled(0), 10, carsOnB))
        .extracting(h -> h.stored().id())
        .containsExactly("img-3.o0");
    assertThat(
            items.searchItems(
                Kind.OBJECT,
                VectorStoreContract.angled(0),
                10,
                new ItemFilter(new SearchFilter(Set.of(), null, null, Set.of("t")), Set.of())))
        .as("the image's tags filter its items")
        .hasSize(6);

    List<ItemHit> faces = items.searchItems(Kind.FACE, faceVector(faceDim, 4), 2, ItemFilter.NONE);
    assertThat(faces).extracting(h -> h.stored().id()).first().isEqualTo("img-4.f0");
    assertThat(faces).allMatch(h -> h.stored().item().kind() == Kind.FACE);

    assertThatThrownBy(
            () -> items.searchItems(Kind.FACE, VectorStoreContract.basis(0), 5, ItemFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(faceDim + "-d");
    assertThatThrownBy(
            () -> items.searchItems(Kind.OBJECT, VectorStoreContract.basis(0), 0, ItemFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void imagesWithAClassAreListedNewestFirstPagedOncePerImage() {
    VectorStore store = itemsTestStore();
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      List<DetectedItem> found = new ArrayList<>();
      found.add(object(0, i % 3 == 0 ? "car" : "person", 0, 0.5f, 0));
      found.add(object(1, "person", 0, 0.8f, 1)); // every image has a person, some two
      rows.add(image("img-" + i, i < 5 ? "cam-3" : "cam-9", 10_000L + 1_000L * i, found));
    }
    rows.add(image("no-objects", "cam-3", 99_000, List.of()));
    store.upsert(rows);
    store.flush();
    DetectedItemStore items = store.items();
    SearchFilter cam3 = new SearchFilter(Set.of("cam-3"), 11_000L, 20_000L, Set.of());

    List<ItemHit> first = items.imagesWithClass(Set.of("person"), cam3, 0, 2);
    assertThat(first).extracting(h -> h.stored().parentId()).containsExactly("img-4", "img-3");
    assertThat(first.get(0).similarity())
        .as("the best matching item")
        .isCloseTo(0.8f, within(1e-6f));
    assertThat(items.imagesWithClass(Set.of("person"), cam3, 2, 2))
        .extracting(h -> h.stored().parentId())
        .containsExactly("img-2", "img-1");
    assertThat(items.imagesWithClass(Set.of("person"), cam3, 4, 2)).isEmpty();
    assertThat(items.imagesWithClass(Set.of("car"), SearchFilter.NONE, 0, 10))
        .extracting(h -> h.stored().parentId())
        .containsExactly("img-6", "img-3", "img-0");
    assertThat(items.imagesWithClass(Set.of("giraffe"), SearchFilter.NONE, 0, 10)).isEmpty();
    assertThatThrownBy(() -> items.imagesWithClass(Set.of(), SearchFilter.NONE, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void anImageWithInvalidItemsIsRejectedBeforeAnythingIsWritten() {
    VectorStore store = itemsTestStore();
    List<DetectedItem> tooMany = new ArrayList<>();
    for (int i = 0; i <= FieldLimits.MAX_ITEMS; i++) {
      tooMany.add(object(i, "person", 0, 0.5f, 0));
    }
    DetectedItem wrongDim =
        new DetectedItem(Kind.FACE, 0, "face", -1, 0.9f, box(), "f@1", new float[] {1f});
    DetectedItem badBox =
        new DetectedItem(
            Kind.OBJECT,
            0,
            "car",
            2,
            0.9f,
            new float[] {0.5f, 0f, 0.2f, 1f},
            "m",
            VectorStoreContract.basis(0));
    for (List<DetectedItem> bad :
        List.of(
            tooMany,
            List.of(wrongDim),
            List.of(badBox),
            List.of(object(0, "a", 0, 1f, 0), object(0, "b", 1, 1f, 1)))) {
      assertThatThrownBy(() -> store.upsert(List.of(image("x", "cam", 1, bad))))
          .isInstanceOf(RecordRejectedException.class);
    }
    store.flush();
    assertThat(store.get("x")).isEmpty();
    assertThat(store.items().itemsOf("x")).isEmpty();
  }

  // ---- helpers ----

  private static VectorRecord image(
      String id, String source, long capturedAt, List<DetectedItem> items) {
    return new VectorRecord(
            id,
            VectorStoreContract.basis(0),
            "bucket",
            "key/" + id,
            source,
            capturedAt,
            List.of("t"),
            "model")
        .withItems(items);
  }

  private static DetectedItem object(int index, String label, int classId, float score, int axis) {
    return new DetectedItem(
        Kind.OBJECT,
        index,
        label,
        classId,
        score,
        new float[] {0.1f, 0.2f, 0.4f, 0.8f},
        "det@1",
        VectorStoreContract.basis(axis));
  }

  private static DetectedItem face(int index, int dim, int axis) {
    return new DetectedItem(
        Kind.FACE, index, "face", -1, 0.95f, box(), "face@1", faceVector(dim, axis));
  }

  /** A unit face descriptor mostly along {@code axis}, a little along the next one. */
  private static float[] faceVector(int dim, int axis) {
    float[] v = new float[dim];
    v[axis % dim] = 0.8f;
    v[(axis + 1) % dim] = 0.6f;
    return v;
  }

  private static float[] box() {
    return new float[] {0.25f, 0.25f, 0.75f, 1f};
  }
}
