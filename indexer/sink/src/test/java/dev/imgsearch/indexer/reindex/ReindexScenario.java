package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.util.List;

/**
 * The re-index scenario both stores run: build v1 behind an alias, rebuild as v2 from a replay,
 * swap.
 */
abstract class ReindexScenario {
  static final int DIM = 4;

  /** Settings whose collection is the alias readers use. */
  abstract StoreSettings aliasSettings();

  /** Whether a reader opened before a swap reads the new collection after it (Milvus: yes). */
  abstract boolean openReadersFollowTheSwap();

  static VectorRecord row(String id, int axis, String model) {
    float[] v = new float[DIM];
    v[axis] = 1;
    // one detected object per image, tagged with the model, so the swap can be checked on the
    // objects too
    var object =
        new dev.imgsearch.indexer.store.DetectedItem(
            dev.imgsearch.indexer.store.DetectedItem.Kind.OBJECT,
            0,
            "person",
            0,
            0.9f,
            new float[] {0f, 0f, 1f, 1f},
            model,
            v);
    return new VectorRecord(id, v, "images", id + ".jpg", "cam", 1, List.of(), model)
        .withItems(List.of(object));
  }

  /** The models of the stored objects of image {@code id}. */
  static List<String> objectModels(VectorStore store, String id) {
    return store.items().itemsOf(id).stream().map(s -> s.item().model()).toList();
  }

  void assertRebuildsAndSwaps(String v1, String v2) {
    StoreSettings alias = aliasSettings();
    var first =
        Reindexer.rebuild(
            alias,
            v1,
            List.of(
                IndexAction.upsert(row("a", 0, "m1")),
                IndexAction.upsert(row("b", 1, "m1")),
                IndexAction.delete("b"),
                IndexAction.upsert(row("c", 2, "m1"))),
            2);
    assertThat(first.previous()).isEmpty();
    assertThat(first.rows()).isEqualTo(2);

    try (VectorStore reader = VectorStores.open(alias)) {
      reader.ensureCollection();
      assertThat(reader.search(unit(0), 5, SearchFilter.NONE))
          .extracting(SearchHit::id)
          .containsExactlyInAnyOrder("a", "c");

      // The replay of the compacted topic, re-embedded by model m2: b came back, c was deleted.
      var second =
          Reindexer.rebuild(
              alias,
              v2,
              List.of(
                  IndexAction.upsert(row("a", 0, "m2")),
                  IndexAction.upsert(row("b", 1, "m2")),
                  IndexAction.upsert(row("c", 2, "m2")),
                  IndexAction.delete("c")),
              10);
      assertThat(second.previous()).contains(v1);
      assertThat(second.rows()).isEqualTo(2);

      if (openReadersFollowTheSwap()) {
        assertThat(reader.search(unit(0), 5, SearchFilter.NONE))
            .extracting(SearchHit::id)
            .containsExactlyInAnyOrder("a", "b");
        assertThat(reader.get("a").orElseThrow().model()).isEqualTo("m2");
      }
    }
    try (VectorStore reopened = VectorStores.open(alias)) {
      reopened.ensureCollection();
      assertThat(reopened.search(unit(0), 5, SearchFilter.NONE))
          .extracting(SearchHit::id)
          .containsExactlyInAnyOrder("a", "b");
      assertThat(reopened.get("a").orElseThrow().model()).isEqualTo("m2");
      assertThat(objectModels(reopened, "a"))
          .as("the objects follow the swap")
          .containsExactly("m2");
      assertThat(objectModels(reopened, "b")).containsExactly("m2");
      assertThat(objectModels(reopened, "c")).isEmpty();
    }
    try (VectorStore old = VectorStores.open(alias.withCollection(v1))) {
      assertThat(old.count()).as("the old collection is kept until dropped").isEqualTo(2);
      assertThat(objectModels(old, "a")).containsExactly("m1");
    }
    assertThatThrownBy(() -> Reindexer.rebuild(alias, v2, List.of(), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new collection");
  }

  static float[] unit(int axis) {
    float[] v = new float[DIM];
    v[axis] = 1;
    return v;
  }
}
