package dev.imgsearch.query;

import static dev.imgsearch.query.TestImages.BLUE;
import static dev.imgsearch.query.TestImages.GREEN;
import static dev.imgsearch.query.TestImages.ORANGE;
import static dev.imgsearch.query.TestImages.PURPLE;
import static dev.imgsearch.query.TestImages.RED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.schemas.ImageIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryServiceTest {

  private final TestVectorStore store = new TestVectorStore(TestImageEmbedder.DIMENSION);
  private QueryService service;

  @BeforeEach
  void setUp() {
    store.upsert(TestImages.records());
    service = QueryService.builder(new TestImageEmbedder(1 << 20), store).build();
  }

  @AfterEach
  void tearDown() {
    service.close();
  }

  private static List<String> ids(SearchResult result) {
    return result.hits().stream().map(SearchHit::id).toList();
  }

  @Test
  void searchByImageRanksByCosineSimilarity() throws Exception {
    SearchResult result = service.searchByImage(RED.png(), SearchParams.defaults());

    assertThat(ids(result))
        .containsExactly(RED.id(), ORANGE.id(), PURPLE.id(), BLUE.id(), GREEN.id());
    assertThat(result.hits().get(0).score()).isCloseTo(1f, within(1e-5f));
    assertThat(result.model()).isEqualTo(TestImageEmbedder.MODEL_ID);
    assertThat(result.tookNanos()).isPositive();
  }

  @Test
  void appliesMinScoreAndK() throws Exception {
    SearchParams params = SearchParams.of(2, null, null, null, null, null);
    assertThat(ids(service.searchByImage(RED.png(), params)))
        .containsExactly(RED.id(), ORANGE.id());

    SearchParams threshold = SearchParams.of(null, null, null, null, null, 0.5f);
    assertThat(ids(service.searchByImage(RED.png(), threshold)))
        .containsExactly(RED.id(), ORANGE.id(), PURPLE.id());
  }

  @Test
  void similarToExcludesTheQueryImageAndStillReturnsK() {
    SearchResult result =
        service.similarTo(RED.id(), SearchParams.of(2, null, null, null, null, null));

    assertThat(ids(result)).containsExactly(ORANGE.id(), PURPLE.id());
    assertThat(store.lastK()).isEqualTo(3);
  }

  @Test
  void similarToUnknownOrMalformedId() {
    String unknown = ImageIds.of("photos", "missing.png");
    assertThatThrownBy(() -> service.similarTo(unknown, SearchParams.defaults()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(unknown);
    assertThatThrownBy(() -> service.similarTo("../etc", SearchParams.defaults()))
        .isInstanceOf(InvalidQueryException.class);
  }

  @Test
  void searchByVectorNormalisesAndFilters() {
    SearchParams cam2 = SearchParams.of(null, List.of("cam-2"), null, null, null, null);

    SearchResult result = service.searchByVector(new float[] {0, 0, 10, 0}, cam2);

    assertThat(ids(result)).containsExactly(BLUE.id(), GREEN.id());
    assertThat(result.hits().get(0).score()).isLessThanOrEqualTo(1.0001f);
  }

  @Test
  void rejectedImagesPropagate() {
    assertThatThrownBy(() -> service.searchByImage(new byte[] {1, 2, 3}, SearchParams.defaults()))
        .isInstanceOfSatisfying(
            ImageRejectedException.class,
            e ->
                assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNSUPPORTED_FORMAT));
  }

  @Test
  void storeFailuresBecomeStoreUnavailable() {
    store.failWith(new IllegalStateException("connection refused"));

    assertThatThrownBy(() -> service.searchByImage(RED.png(), SearchParams.defaults()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("connection refused");
    assertThatThrownBy(() -> service.similarTo(RED.id(), SearchParams.defaults()))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> service.checkStore(Duration.ofSeconds(1)))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void checkStoreCountsAndTimesOut() {
    assertThat(service.checkStore(Duration.ofSeconds(1))).isEqualTo(5);

    store.slowCount(Duration.ofSeconds(10));
    long start = System.nanoTime();
    assertThatThrownBy(() -> service.checkStore(Duration.ofMillis(100)))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("within 100 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void contentOpensTheStoredObject() throws IOException {
    ImageContentSource source =
        (bucket, key) ->
            bucket.equals(TestImages.BUCKET) && key.equals(RED.key())
                ? Optional.of(
                    new ImageContentSource.Content(
                        new ByteArrayInputStream(RED.png()), "image/png", -1))
                : Optional.empty();
    try (QueryService withContent =
        QueryService.builder(new TestImageEmbedder(1 << 20), store).contentSource(source).build()) {
      assertThat(withContent.content(RED.id()).stream().readAllBytes()).isEqualTo(RED.png());
      assertThatThrownBy(() -> withContent.content(BLUE.id()))
          .isInstanceOf(NotFoundException.class);
    }
    assertThatThrownBy(() -> service.content(RED.id()))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.code()).isEqualTo("content-not-found"));
  }

  @Test
  void pagingAsksTheStoreForTheWholeWindowAndCutsThePage() {
    SearchResult page =
        service.similarTo(RED.id(), SearchParams.of(2, 1, null, null, null, null, null));

    assertThat(ids(page)).containsExactly(PURPLE.id(), BLUE.id());
    assertThat(store.lastK()).as("offset + k + the excluded image").isEqualTo(4);
  }

  @Test
  void statsFindTheNewestCaptureTime() {
    QueryService.IndexStats stats = service.stats();

    assertThat(stats.count()).isEqualTo(5);
    assertThat(stats.newestCapturedAtMillis()).isEqualTo(BLUE.capturedAt().toEpochMilli());
    assertThat(stats.model()).isEqualTo(TestImageEmbedder.MODEL_ID);
    try (QueryService empty =
        QueryService.builder(
                new TestImageEmbedder(1 << 20), new TestVectorStore(TestImageEmbedder.DIMENSION))
            .build()) {
      assertThat(empty.stats().count()).isZero();
      assertThat(empty.stats().newestCapturedAtMillis()).isNull();
    }
  }

  @Test
  void readinessEmbedsAProbeImageOnceAndReportsABrokenModel() {
    assertThat(service.checkReady(Duration.ofSeconds(5))).isEqualTo(5);

    TestImageEmbedder broken = new TestImageEmbedder(16); // every real image is "too large" for it
    try (QueryService withBrokenModel = QueryService.builder(broken, store).build()) {
      assertThatThrownBy(() -> withBrokenModel.checkReady(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              StoreUnavailableException.class,
              e -> assertThat(e.code()).isEqualTo(StoreUnavailableException.MODEL));
      assertThat(withBrokenModel.checkStore(Duration.ofSeconds(5))).isEqualTo(5);
    }
  }

  @Test
  void urlsArePresignedOrPointToTheContentPath() {
    ImageUrlSigner signer =
        (bucket, key, expiry) -> {
          if (key.equals(PURPLE.key())) {
            throw new IOException("signer down");
          }
          return key.equals(RED.key())
              ? Optional.of("https://s3/" + key + "?e=" + expiry.toSeconds())
              : Optional.empty();
        };
    try (QueryService signing =
        QueryService.builder(new TestImageEmbedder(1 << 20), store).urlSigner(signer).build()) {
      QueryService.ImageDetails red = signing.image(RED.id(), Duration.ofMinutes(2));
      assertThat(red.url().url()).isEqualTo("https://s3/red.png?e=120");
      assertThat(red.url().expiresAtMillis())
          .isBetween(System.currentTimeMillis() + 110_000, System.currentTimeMillis() + 120_001);
      assertThat(red.record().source()).isEqualTo("cam-1");
      assertThat(signing.image(BLUE.id(), Duration.ofMinutes(2)).url())
          .isEqualTo(new QueryService.ImageUrl("/v1/images/" + BLUE.id() + "/content", null));
      assertThatThrownBy(() -> signing.image(PURPLE.id(), Duration.ofMinutes(2)))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(
              signing.resultUrl(
                  PURPLE.id(), TestImages.BUCKET, PURPLE.key(), Duration.ofMinutes(2)))
          .as("a search result falls back instead of failing")
          .isEqualTo("/v1/images/" + PURPLE.id() + "/content");
    }
  }

  @Test
  void refusesAnEmbedderOfTheWrongDimension() {
    TestVectorStore other = new TestVectorStore(8);

    assertThatThrownBy(() -> QueryService.builder(new TestImageEmbedder(1), other).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension 8");
  }
}
