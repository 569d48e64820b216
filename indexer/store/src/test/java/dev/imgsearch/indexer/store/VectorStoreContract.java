package dev.imgsearch.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.schemas.FieldLimits;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every {@link VectorStore} must show. A store's test extends this class and
 * implements {@link #open(CollectionSpec)}; each test gets a fresh collection ({@link #spec}),
 * dimension {@value #DIM}.
 *
 * <p>Reads happen after {@link VectorStore#flush()}, which the contract says makes writes visible;
 * vectors are deterministic and L2-normalised.
 */
public abstract class VectorStoreContract implements DetectedItemsContract {
  protected static final int DIM = 8;

  /** The fresh collection of the running test. */
  protected CollectionSpec spec;

  private final List<VectorStore> opened = new ArrayList<>();

  /**
   * Opens a store on {@code spec}; {@link VectorStore#ensureCollection()} is left to the caller.
   * Opening the same spec again, after closing or not, must reach the same data.
   */
  protected abstract VectorStore open(CollectionSpec spec);

  /**
   * Removes what a test left behind in the backing store (called after every test); the default
   * does nothing.
   */
  protected void cleanUp(CollectionSpec spec) {}

  @BeforeEach
  void freshCollection(TestInfo test) {
    String method = test.getTestMethod().map(Method::getName).orElse("test");
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    spec = CollectionSpec.of("t_" + method + "_" + suffix, DIM);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(VectorStore::close);
    opened.clear();
    cleanUp(spec);
  }

  /** Opens, ensures and remembers (for closing) a store on {@code spec}. */
  protected VectorStore store(CollectionSpec on) {
    VectorStore store = open(on);
    opened.add(store);
    store.ensureCollection();
    return store;
  }

  protected VectorStore store() {
    return store(spec);
  }

  @Override
  public VectorStore itemsTestStore() {
    return store();
  }

  /** Closes a store opened by {@link #store} before the test ends. */
  protected void close(VectorStore store) {
    opened.remove(store);
    store.close();
  }

  // ---- writes and reads ----

  @Test
  void upsertThenGetReturnsTheSameVectorAndMetadata() {
    VectorStore store = store();
    float[] vector = unit(0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8);
    var record =
        new VectorRecord(
            "img-1",
            vector,
            "photos",
            "2024/07/a b.jpg",
            "cam-1",
            1_700_000_000_123L,
            List.of("x", "y"),
            "mnv2-576");
    write(store, record);

    VectorRecord got = store.get("img-1").orElseThrow();
    assertThat(got.id()).isEqualTo("img-1");
    assertThat(got.vector()).containsExactly(vector, within(1e-6f));
    assertThat(got.bucket()).isEqualTo("photos");
    assertThat(got.key()).isEqualTo("2024/07/a b.jpg");
    assertThat(got.source()).isEqualTo("cam-1");
    assertThat(got.capturedAtMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(got.tags()).containsExactlyInAnyOrder("x", "y");
    assertThat(got.model()).isEqualTo("mnv2-576");
    assertThat(store.get("img-2")).isEmpty();

    SearchHit hit = store.search(vector, 1, SearchFilter.NONE).get(0);
    assertThat(hit.id()).isEqualTo("img-1");
    assertThat(hit.bucket()).isEqualTo("photos");
    assertThat(hit.key()).isEqualTo("2024/07/a b.jpg");
    assertThat(hit.source()).isEqualTo("cam-1");
    assertThat(hit.capturedAtMillis()).isEqualTo(1_700_000_000_123L);
    assertThat(hit.tags()).containsExactlyInAnyOrder("x", "y");
  }

  @Test
  void upsertOfAnExistingIdReplacesTheRow() {
    VectorStore store = storeWith(row("a", basis(0), "cam-1", 1000, "old"));
    write(store, row("a", basis(1), "cam-2", 2000, "new"));

    assertThat(store.count()).isEqualTo(1);
    VectorRecord got = store.get("a").orElseThrow();
    assertThat(got.vector()).containsExactly(basis(1), within(1e-6f));
    assertThat(got.source()).isEqualTo("cam-2");
    assertThat(got.capturedAtMillis()).isEqualTo(2000);
    assertThat(got.tags()).containsExactly("new");
    List<SearchHit> hits = store.search(basis(0), 10, SearchFilter.NONE);
    assertThat(hits).extracting(SearchHit::id).containsExactly("a");
    assertThat(hits.get(0).score()).as("the old vector is gone").isCloseTo(0f, within(1e-3f));
    // source is Milvus' partition key: the replaced row must be found by its new source only (an
    // upsert on 2.3.5
    // misroutes partition-key rows, which is why the Milvus store deletes and inserts)
    assertThat(ids(store, sources("cam-2"))).containsExactly("a");
    assertThat(ids(store, sources("cam-1"))).isEmpty();
  }

  @Test
  void duplicateIdsInOneBatchKeepTheLastRecord() {
    VectorStore store =
        storeWith(
            row("a", basis(0), "first", 1),
            row("b", basis(2), "other", 2),
            row("a", basis(1), "last", 3));

    assertThat(store.count()).isEqualTo(2);
    assertThat(store.get("a").orElseThrow().source()).isEqualTo("last");
    assertThat(store.search(basis(1), 10, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsOnlyOnce("a");
  }

  @Test
  void deleteRemovesRows() {
    VectorStore store =
        storeWith(
            row("a", basis(0), "s", 1), row("b", basis(1), "s", 2), row("c", basis(2), "s", 3));
    store.delete(List.of("a", "c"));
    store.flush();

    assertThat(store.get("a")).isEmpty();
    assertThat(store.get("c")).isEmpty();
    assertThat(store.get("b")).isPresent();
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.search(basis(0), 10, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("b");
  }

  @Test
  void deleteOfUnknownIdsIsANoOp() {
    VectorStore store = storeWith(row("a", basis(0), "s", 1));
    store.delete(List.of("nope", "also-nope"));
    store.delete(List.of());
    store.flush();

    assertThat(store.count()).isEqualTo(1);
    assertThat(store.get("a")).isPresent();
  }

  @Test
  void countCountsLiveRows() {
    VectorStore store = store();
    assertThat(store.count()).isZero();
    write(
        store, row("a", basis(0), "s", 1), row("b", basis(1), "s", 2), row("c", basis(2), "s", 3));
    assertThat(store.count()).isEqualTo(3);
    store.upsert(List.of(row("a", basis(3), "s", 4)));
    store.delete(List.of("b"));
    store.flush();
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  void emptyCollectionFindsNothing() {
    VectorStore store = store();
    assertThat(store.search(basis(0), 5, SearchFilter.NONE)).isEmpty();
    assertThat(store.get("a")).isEmpty();
    assertThat(store.count()).isZero();
  }

  // ---- search ----

  @Test
  void searchWithAStoredVectorReturnsItFirst() {
    VectorStore store = store();
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(row("r" + i, angled(i * 0.15), "s", i));
    }
    store.upsert(rows);
    store.flush();

    for (int i : new int[] {0, 7, 19}) {
      List<SearchHit> hits = store.search(angled(i * 0.15), 3, SearchFilter.NONE);
      assertThat(hits.get(0).id()).isEqualTo("r" + i);
      assertThat(hits.get(0).score()).isGreaterThanOrEqualTo(0.999f);
    }
  }

  @Test
  void scoresAreCosineSimilarities() {
    VectorStore store =
        storeWith(
            row("same", basis(0), "s", 1),
            row("sixty", unit(0.6, 0.8), "s", 2),
            row("orthogonal", basis(2), "s", 3),
            row("opposite", unit(-1), "s", 4));

    List<SearchHit> hits = store.search(basis(0), 4, SearchFilter.NONE);
    assertThat(hits)
        .extracting(SearchHit::id)
        .containsExactly("same", "sixty", "orthogonal", "opposite");
    assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-3f));
    assertThat(hits.get(1).score()).isCloseTo(0.6f, within(1e-3f));
    assertThat(hits.get(2).score()).isCloseTo(0f, within(1e-3f));
    assertThat(hits.get(3).score()).isCloseTo(-1f, within(1e-3f));
  }

  @Test
  void kLimitsTheNumberOfHitsBestFirst() {
    VectorStore store = store();
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(row("r" + i, angled(i * 0.1), "s", i));
    }
    store.upsert(rows);
    store.flush();

    List<SearchHit> top3 = store.search(basis(0), 3, SearchFilter.NONE);
    assertThat(top3).extracting(SearchHit::id).containsExactly("r0", "r1", "r2");
    assertThat(top3.get(1).score()).isCloseTo((float) Math.cos(0.1), within(1e-3f));
    assertThat(store.search(basis(0), 1, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("r0");
    List<SearchHit> all = store.search(basis(0), 50, SearchFilter.NONE);
    assertThat(all).hasSize(10);
    assertThat(all).extracting(SearchHit::score).isSortedAccordingTo((x, y) -> Float.compare(y, x));
  }

  @Test
  void filterBySourceIsAnyOf() {
    VectorStore store =
        storeWith(
            row("a", angled(0), "cam-1", 1),
            row("b", angled(0.1), "cam-2", 2),
            row("c", angled(0.2), "cam-3", 3));

    assertThat(ids(store, sources("cam-1", "cam-3"))).containsExactly("a", "c");
    assertThat(ids(store, sources("cam-2"))).containsExactly("b");
    assertThat(ids(store, sources("cam"))).isEmpty();
  }

  @Test
  void filterByTimeRangeIncludesFromAndExcludesTo() {
    VectorStore store =
        storeWith(
            row("t1", angled(0), "s", 1000),
            row("t2", angled(0.1), "s", 2000),
            row("t3", angled(0.2), "s", 3000));

    assertThat(ids(store, captured(2000L, 3000L))).containsExactly("t2");
    assertThat(ids(store, captured(2000L, null))).containsExactly("t2", "t3");
    assertThat(ids(store, captured(null, 2000L))).containsExactly("t1");
    assertThat(ids(store, captured(1001L, 1999L))).isEmpty();
  }

  @Test
  void filterByTagsIsAnyOfExactTags() {
    VectorStore store =
        storeWith(
            row("a", angled(0), "s", 1, "red", "blue"),
            row("b", angled(0.1), "s", 2, "green"),
            row("c", angled(0.2), "s", 3));

    assertThat(ids(store, tags("blue", "green"))).containsExactly("a", "b");
    assertThat(ids(store, tags("red"))).containsExactly("a");
    assertThat(ids(store, tags("re", "reds", "purple"))).isEmpty();
  }

  @Test
  void filtersCombineWithAnd() {
    VectorStore store =
        storeWith(
            row("hit", angled(0.3), "cam-1", 2000, "cat"),
            row("wrong-source", angled(0), "cam-2", 2000, "cat"),
            row("too-early", angled(0.1), "cam-1", 999, "cat"),
            row("too-late", angled(0.2), "cam-1", 3000, "cat"),
            row("wrong-tag", angled(0.25), "cam-1", 2000, "dog"));

    var filter = new SearchFilter(Set.of("cam-1"), 1000L, 3000L, Set.of("cat"));
    assertThat(ids(store, filter)).containsExactly("hit");
  }

  @Test
  void filterValuesWithQuotesAndBackslashesMatchExactly() {
    VectorStore store = store();
    String source = "cam \"1\" \\ 'x' ] or";
    String tag = "a\"b\\c\nd";
    write(store, row("q", angled(0), source, 1, tag), row("plain", angled(0.1), "cam 1", 2, "abc"));

    assertThat(ids(store, sources(source))).containsExactly("q");
    assertThat(ids(store, tags(tag))).containsExactly("q");
    assertThat(ids(store, sources("cam \\\"1\\\""))).isEmpty();
    VectorRecord got = store.get("q").orElseThrow();
    assertThat(got.source()).isEqualTo(source);
    assertThat(got.tags()).containsExactly(tag);
  }

  // ---- lifecycle and validation ----

  @Test
  void rowsPersistAcrossCloseAndReopen() {
    VectorStore first = store();
    first.upsert(List.of(row("a", basis(0), "cam-1", 1, "x"), row("b", basis(1), "cam-2", 2)));
    first.delete(List.of("b"));
    first.flush();
    close(first);

    VectorStore second = store();
    assertThat(second.count()).isEqualTo(1);
    assertThat(second.get("a").orElseThrow().tags()).containsExactly("x");
    assertThat(second.search(basis(0), 5, SearchFilter.NONE))
        .extracting(SearchHit::id)
        .containsExactly("a");
  }

  @Test
  void recordsOverTheFieldLimitsAreRejectedWithTheirIdAndReasonAndNothingIsWritten() {
    VectorStore store = store();
    List<String> tags = new java.util.ArrayList<>();
    for (int i = 0; i < FieldLimits.MAX_TAGS + 8; i++) {
      tags.add("t" + i);
    }
    VectorRecord fortyTags = new VectorRecord("forty", basis(0), "b", "k", "s", 1, tags, "model");
    assertThatThrownBy(() -> store.upsert(List.of(row("ok", basis(1), "s", 1), fortyTags)))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.id()).isEqualTo("forty");
              assertThat(e.reason()).isEqualTo(FieldLimits.REASON);
              assertThat(e.getMessage()).contains("40 tags");
            });
    VectorRecord longTag =
        new VectorRecord(
            "long",
            basis(0),
            "b",
            "k",
            "s",
            1,
            List.of("é".repeat(FieldLimits.MAX_TEXT_BYTES / 2 + 1)),
            "m");
    assertThatThrownBy(() -> store.upsert(List.of(longTag)))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.id()).isEqualTo("long");
              assertThat(e.reason()).isEqualTo(FieldLimits.REASON);
              assertThat(e.getMessage())
                  .contains("tag of " + (FieldLimits.MAX_TEXT_BYTES + 2) + " UTF-8 bytes");
            });
    // exactly at the limits is stored
    VectorRecord atLimit =
        new VectorRecord(
            "edge",
            basis(2),
            "b",
            "k".repeat(FieldLimits.MAX_TEXT_BYTES),
            "s",
            1,
            tags.subList(0, FieldLimits.MAX_TAGS),
            "model");
    write(store, atLimit);
    assertThat(store.get("ok")).isEmpty();
    assertThat(store.get("edge").orElseThrow().tags()).hasSize(FieldLimits.MAX_TAGS);
  }

  @Test
  void wrongDimensionIsRejected() {
    VectorStore store = store();
    float[] shortVector = {1f, 0f, 0f, 0f};
    assertThatThrownBy(
            () -> store.upsert(List.of(row("ok", basis(0), "s", 1), row("a", shortVector, "s", 1))))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.id()).isEqualTo("a");
              assertThat(e.reason()).isEqualTo(RecordValidation.INVALID_VECTOR);
              assertThat(e.getMessage()).contains("dimension 4").contains("has " + DIM);
            });
    // the stores word it differently ("query has dimension 9", "vector has 9 dimensions"): both
    // name the dimension
    assertThatThrownBy(() -> store.search(new float[DIM + 1], 1, SearchFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension")
        .hasMessageFindingMatch("\\b" + (DIM + 1) + "\\b");
    store.flush();
    assertThat(store.count()).isZero();
  }

  @Test
  void reopeningWithAnotherDimensionFails() {
    VectorStore store = storeWith(row("a", basis(0), "s", 1));
    close(store);

    var otherDimension = CollectionSpec.of(spec.name(), DIM * 2);
    assertThatThrownBy(() -> store(otherDimension))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dimension " + DIM)
        .hasMessageContaining("dimension " + DIM * 2);
  }

  // ---- perceptual hashes and near-duplicates ----

  /** A 64-bit hash with well-mixed bits. */
  protected static final long HASH = 0x9e3779b97f4a7c15L;

  /** {@code hash} with its lowest {@code bits} bits flipped: Hamming distance {@code bits}. */
  protected static long flipped(long hash, int bits) {
    return bits == 64 ? ~hash : hash ^ ((1L << bits) - 1);
  }

  protected static VectorRecord hashed(
      String id, long phash, String source, long capturedAt, String... tags) {
    return row(id, angled(id.hashCode() % 100 * 0.01), source, capturedAt, tags).withPhash(phash);
  }

  @Test
  void phashRoundTripsThroughGet() {
    VectorStore store =
        storeWith(
            hashed("h", HASH, "s", 1),
            hashed("neg", -1L, "s", 1),
            hashed("zero", 0L, "s", 1),
            row("none", basis(0), "s", 1));
    assertThat(store.get("h").orElseThrow().phash()).isEqualTo(HASH);
    assertThat(store.get("neg").orElseThrow().phash()).isEqualTo(-1L);
    assertThat(store.get("zero").orElseThrow().phash()).isEqualTo(0L);
    assertThat(store.get("none").orElseThrow().phash()).isNull();
  }

  @Test
  void nearDuplicatesFindHashesWithinTheRadiusNearestFirst() {
    VectorStore store =
        storeWith(
            hashed("exact", HASH, "cam-1", 10),
            hashed("three-bits", flipped(HASH, 3), "cam-1", 20),
            hashed("twenty-bits", flipped(HASH, 20), "cam-1", 30),
            row("no-hash", basis(0), "cam-1", 40));

    List<SearchHit> hits = store.nearDuplicates(HASH, 10, 10, SearchFilter.NONE);
    assertThat(hits).extracting(SearchHit::id).containsExactly("exact", "three-bits");
    assertThat(hits).extracting(SearchHit::distance).containsExactly(0, 3);
    SearchHit three = hits.get(1);
    assertThat(three.source()).isEqualTo("cam-1");
    assertThat(three.key()).isEqualTo("key/three-bits");
    assertThat(three.bucket()).isEqualTo("bucket");
    assertThat(three.capturedAtMillis()).isEqualTo(20);
    assertThat(three.score()).isCloseTo(1f - 3f / 64, within(1e-6f));

    assertThat(nearIds(store, HASH, 0, 10, SearchFilter.NONE)).containsExactly("exact");
    assertThat(nearIds(store, flipped(HASH, 3), 2, 10, SearchFilter.NONE))
        .containsExactly("three-bits");
    assertThat(nearIds(store, HASH, 20, 10, SearchFilter.NONE))
        .containsExactly("exact", "three-bits", "twenty-bits");
    assertThat(nearIds(store, HASH, 20, 2, SearchFilter.NONE))
        .containsExactly("exact", "three-bits");
    assertThat(store.nearDuplicates(~HASH, 10, 10, SearchFilter.NONE)).isEmpty();
  }

  @Test
  void nearDuplicatesRespectFilters() {
    VectorStore store =
        storeWith(
            hashed("a", HASH, "cam-1", 100, "street"),
            hashed("b", flipped(HASH, 1), "cam-2", 200, "park"),
            hashed("c", flipped(HASH, 2), "cam-2", 300, "street"),
            hashed("d", flipped(HASH, 4), "cam-3", 400));

    assertThat(nearIds(store, HASH, 10, 10, sources("cam-2"))).containsExactly("b", "c");
    assertThat(nearIds(store, HASH, 10, 10, captured(200L, 400L))).containsExactly("b", "c");
    assertThat(nearIds(store, HASH, 10, 10, tags("street"))).containsExactly("a", "c");
    assertThat(
            nearIds(
                store,
                HASH,
                10,
                10,
                new SearchFilter(Set.of("cam-1", "cam-3"), null, 400L, Set.of())))
        .containsExactly("a");
    assertThat(store.nearDuplicates(HASH, 10, 10, sources("nowhere"))).isEmpty();
  }

  @Test
  void deleteRemovesARowFromNearDuplicateSearch() {
    VectorStore store = storeWith(hashed("a", HASH, "s", 1), hashed("b", flipped(HASH, 1), "s", 2));
    store.delete(List.of("a"));
    store.flush();
    assertThat(nearIds(store, HASH, 10, 10, SearchFilter.NONE)).containsExactly("b");
    store.delete(List.of("b", "unknown"));
    store.flush();
    assertThat(store.nearDuplicates(HASH, 64, 10, SearchFilter.NONE)).isEmpty();
  }

  @Test
  void upsertReplacesOrRemovesTheHash() {
    VectorStore store = storeWith(hashed("a", HASH, "cam-1", 1));
    write(store, hashed("a", flipped(HASH, 30), "cam-2", 2));
    assertThat(store.nearDuplicates(HASH, 10, 10, SearchFilter.NONE)).isEmpty();
    List<SearchHit> moved = store.nearDuplicates(flipped(HASH, 30), 0, 10, SearchFilter.NONE);
    assertThat(moved).extracting(SearchHit::id).containsExactly("a");
    assertThat(moved.get(0).source()).isEqualTo("cam-2");
    assertThat(store.get("a").orElseThrow().phash()).isEqualTo(flipped(HASH, 30));

    write(store, row("a", basis(0), "cam-2", 3));
    assertThat(store.nearDuplicates(flipped(HASH, 30), 64, 10, SearchFilter.NONE)).isEmpty();
    assertThat(store.get("a").orElseThrow().phash()).isNull();
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  void nearDuplicateArgumentsAreChecked() {
    VectorStore store = store();
    assertThatThrownBy(() -> store.nearDuplicates(HASH, -1, 10, SearchFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHamming must be in 0..64: -1");
    assertThatThrownBy(() -> store.nearDuplicates(HASH, 65, 10, SearchFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxHamming must be in 0..64: 65");
    assertThatThrownBy(() -> store.nearDuplicates(HASH, 10, 0, SearchFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("k must be")
        .hasMessageEndingWith(": 0");
  }

  // ---- scene-change gating ----

  /**
   * A frame reusing its representative's vector keeps the reference, in get, search (unfiltered and
   * filtered) and near-duplicates; a frame embedded itself has none, and an upsert without the
   * reference removes it.
   */
  @Test
  void aGatedFrameKeepsItsSceneReference() {
    float[] v = unit(0.6, 0.8);
    SceneRef scene = new SceneRef("rep", 1_000);
    VectorRecord representative = row("rep", v, "cam-1", 1_000).withPhash(HASH);
    VectorRecord gated = row("later", v, "cam-1", 3_000).withPhash(flipped(HASH, 2));
    VectorStore store = storeWith(representative, gated.withScene(scene));

    assertThat(store.get("later").orElseThrow().scene()).isEqualTo(scene);
    assertThat(store.get("rep").orElseThrow().scene()).isNull();
    assertThat(store.search(v, 2, SearchFilter.NONE))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactlyInAnyOrder(tuple("rep", null), tuple("later", scene));
    assertThat(store.search(v, 2, captured(2_000L, null)))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactly(tuple("later", scene));
    assertThat(store.nearDuplicates(HASH, 4, 10, SearchFilter.NONE))
        .extracting(SearchHit::id, SearchHit::scene)
        .containsExactly(tuple("rep", null), tuple("later", scene));

    // upserted again without the reference (embedded itself this time): the reference is gone
    write(store, gated);
    assertThat(store.get("later").orElseThrow().scene()).isNull();
    assertThat(store.search(v, 2, SearchFilter.NONE))
        .extracting(SearchHit::scene)
        .containsOnlyNulls();
    assertThat(store.nearDuplicates(HASH, 4, 10, SearchFilter.NONE))
        .extracting(SearchHit::scene)
        .containsOnlyNulls();
  }

  @Test
  void searchRefusesANonPositiveK() {
    VectorStore store = store();
    // the stores word the range differently ("k must be ≥ 1", "k must be in 1..16384: 0"): both
    // name k
    assertThatThrownBy(() -> store.search(basis(0), 0, SearchFilter.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("k must be");
  }

  // ---- helpers ----

  /** A store on {@link #spec} holding {@code rows}, flushed. */
  protected VectorStore storeWith(VectorRecord... rows) {
    VectorStore store = store();
    write(store, rows);
    return store;
  }

  /** Upserts {@code rows} into {@code store} and flushes. */
  protected static void write(VectorStore store, VectorRecord... rows) {
    store.upsert(List.of(rows));
    store.flush();
  }

  /** The filter on any of these sources. */
  protected static SearchFilter sources(String... sources) {
    return new SearchFilter(Set.of(sources), null, null, Set.of());
  }

  /** The filter on any of these tags. */
  protected static SearchFilter tags(String... tags) {
    return new SearchFilter(Set.of(), null, null, Set.of(tags));
  }

  /** The filter on a capture time from {@code from} (inclusive) to {@code to} (exclusive). */
  protected static SearchFilter captured(Long from, Long to) {
    return new SearchFilter(Set.of(), from, to, Set.of());
  }

  /** Ids of the near-duplicate hits, nearest first. */
  protected static List<String> nearIds(
      VectorStore store, long phash, int maxHamming, int k, SearchFilter filter) {
    return store.nearDuplicates(phash, maxHamming, k, filter).stream().map(SearchHit::id).toList();
  }

  /** Ids of the hits for query {@code angled(0)}, k 10. */
  protected static List<String> ids(VectorStore store, SearchFilter filter) {
    return store.search(angled(0), 10, filter).stream().map(SearchHit::id).toList();
  }

  protected static VectorRecord row(
      String id, float[] vector, String source, long capturedAt, String... tags) {
    return new VectorRecord(
        id, vector, "bucket", "key/" + id, source, capturedAt, List.of(tags), "model");
  }

  /** The L2-normalised vector with the given leading components, zero-padded to {@value #DIM}. */
  protected static float[] unit(double... components) {
    double norm = 0;
    for (double c : components) {
      norm += c * c;
    }
    norm = Math.sqrt(norm);
    float[] v = new float[DIM];
    for (int i = 0; i < components.length; i++) {
      v[i] = (float) (components[i] / norm);
    }
    return v;
  }

  protected static float[] basis(int axis) {
    float[] v = new float[DIM];
    v[axis] = 1f;
    return v;
  }

  /** A unit vector in the plane of axes 0 and 1, {@code radians} away from axis 0. */
  protected static float[] angled(double radians) {
    return unit(Math.cos(radians), Math.sin(radians));
  }
}
