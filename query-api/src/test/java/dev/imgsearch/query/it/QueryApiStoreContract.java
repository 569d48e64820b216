package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static dev.imgsearch.query.ApiResponses.MULTIPART;
import static dev.imgsearch.query.ApiResponses.assertError;
import static dev.imgsearch.query.ApiResponses.assertRejectsBadUploads;
import static dev.imgsearch.query.ApiResponses.ids;
import static dev.imgsearch.query.ApiResponses.multipartBody;
import static dev.imgsearch.query.ApiResponses.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.detect.FaceDescriber;
import dev.imgsearch.embedder.detect.FaceDetector;
import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.query.ApiKeys;
import dev.imgsearch.query.ImageUrlSigner;
import dev.imgsearch.query.InjectionPayloads;
import dev.imgsearch.query.PerceptualHasher;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.TestApis;
import dev.imgsearch.schemas.ImageIds;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint and error code over real HTTP, with the real ONNX model and a real vector store
 * holding the sample photos. Subclasses choose the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryApiStoreContract {

  static final String API_KEY = "it-key-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 2 * 1024 * 1024;

  /** Hostile filter values around the corpus's source {@code cam-a}. */
  private static final List<String> PAYLOADS = InjectionPayloads.around("cam-a", 5_000);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path dir;
  private OnnxImageEmbedder embedder;
  private VectorStore store;
  private QueryService service;
  private QueryApi api;
  private IndexedPhotos corpus;
  private String base;

  /** A fresh, empty store with this collection contract. */
  abstract VectorStore openStore(Path dir, CollectionSpec spec) throws Exception;

  /** Releases whatever {@link #openStore} started (after the store is closed). */
  void shutdown() throws Exception {}

  /** Cleans up the collection before the store is closed. */
  void beforeStoreClose() throws Exception {}

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("query-api-it");
    embedder = OnnxImageEmbedder.loadDefault();
    store =
        openStore(
            dir,
            CollectionSpec.of(
                "query_it_" + Long.toHexString(System.nanoTime()), embedder.dimension()));
    store.ensureCollection();
    corpus = IndexedPhotos.index(embedder, store);
    ImageUrlSigner signer =
        (bucket, key, expiry) ->
            key.endsWith(".png")
                ? Optional.of(
                    "https://objects.test/" + bucket + "/" + key + "?expires=" + expiry.toSeconds())
                : Optional.empty();
    service = QueryService.builder(embedder, store).contentSource(corpus).urlSigner(signer).build();
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withMaxBodyBytes(MAX_BODY)
            .withPresignExpiry(Duration.ofMinutes(5))
            .withApiKeys(ApiKeys.of(List.of(API_KEY)));
    api = TestApis.start(service, options);
    base = TestApis.base(api);
  }

  @AfterAll
  void stop() throws Exception {
    closeAll(api == null ? null : api::stop, service);
    if (store != null) {
      try {
        beforeStoreClose();
      } finally {
        store.close();
      }
    }
    if (embedder != null) {
      embedder.close();
    }
    shutdown();
  }

  // ---- search by image ----

  @Test
  void everyPhotoFindsItselfFirstByRawAndMultipartUpload() throws Exception {
    for (IndexedPhotos.Photo p : corpus.photos) {
      JsonNode body = ok(post("/v1/search?k=3", p.contentType(), p.bytes()));
      JsonNode top = body.get("results").get(0);
      assertThat(top.get("id").asText()).as(p.key()).isEqualTo(p.id());
      assertThat(top.get("score").asDouble()).isGreaterThan(0.99);
      assertThat(top.get("source").asText()).isEqualTo(p.source());
      assertThat(top.get("capturedAt").asText()).isEqualTo(p.capturedAt().toString());
    }
    IndexedPhotos.Photo p = corpus.named("aloeL.jpg");
    JsonNode multipart = ok(multipart("/v1/search?k=2", p.bytes()));
    assertThat(ids(multipart)).containsExactly(p.id(), corpus.named("aloeR.jpg").id());
  }

  @Test
  void filtersRestrictResultsOnTheStore() throws Exception {
    byte[] query = corpus.named("leuvenA.jpg").bytes();
    for (String source : IndexedPhotos.SOURCES) {
      JsonNode body = ok(post("/v1/search?k=50&source=" + enc(source), "image/jpeg", query));
      assertThat(body.get("results")).isNotEmpty();
      body.get("results").forEach(r -> assertThat(r.get("source").asText()).isEqualTo(source));
      assertThat(body.get("results"))
          .hasSize((int) corpus.photos.stream().filter(p -> p.source().equals(source)).count());
    }
    JsonNode two = ok(post("/v1/search?k=50&source=cam-a,cam-b", "image/jpeg", query));
    two.get("results").forEach(r -> assertThat(r.get("source").asText()).isIn("cam-a", "cam-b"));
    JsonNode night = ok(post("/v1/search?k=50&tags=night", "image/jpeg", query));
    assertThat(night.get("results")).hasSize(corpus.photos.size() / 2);
    night.get("results").forEach(r -> assertThat(r.get("tags").toString()).contains("night"));

    Instant from = IndexedPhotos.FIRST_CAPTURE.plusSeconds(3600L * 3);
    Instant to = IndexedPhotos.FIRST_CAPTURE.plusSeconds(3600L * 7);
    JsonNode window = ok(post("/v1/search?k=50&from=" + from + "&to=" + to, "image/jpeg", query));
    assertThat(window.get("results")).hasSize(4);
    window
        .get("results")
        .forEach(
            r ->
                assertThat(Instant.parse(r.get("capturedAt").asText()))
                    .isBetween(from, to.minusMillis(1)));

    JsonNode high = ok(post("/v1/search?k=50&minScore=0.8", "image/jpeg", query));
    high.get("results")
        .forEach(r -> assertThat(r.get("score").asDouble()).isGreaterThanOrEqualTo(0.8));
    assertThat(ok(post("/v1/search?source=nowhere", "image/jpeg", query)).get("results")).isEmpty();
  }

  @Test
  void pagesConcatenateToTheFullRanking() throws Exception {
    byte[] query = corpus.named("fruits.jpg").bytes();
    List<String> all = ids(ok(post("/v1/search?k=12", "image/jpeg", query)));
    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 12; offset += 4) {
      JsonNode page = ok(post("/v1/search?k=4&offset=" + offset, "image/jpeg", query));
      assertThat(page.get("offset").asInt()).isEqualTo(offset);
      assertThat(page.get("nextOffset").asInt()).isEqualTo(offset + 4);
      paged.addAll(ids(page));
    }
    assertThat(paged).containsExactlyElementsOf(all);
    JsonNode beyond =
        ok(post("/v1/search?k=10&offset=" + corpus.photos.size(), "image/jpeg", query));
    assertThat(beyond.get("results")).isEmpty();
    assertThat(beyond.get("nextOffset").isNull()).isTrue();
  }

  @Test
  void imageUploadErrors() throws Exception {
    assertRejectsBadUploads(
        (type, body) -> post("/v1/search", type, body),
        "image/jpeg",
        corpus.newest().bytes(),
        MAX_BODY);
    assertError(
        post("/v1/search?k=0", "image/jpeg", corpus.newest().bytes()), 400, "invalid-parameter");
    byte[] jpeg = corpus.named("baboon.jpg").bytes();
    byte[] truncated = java.util.Arrays.copyOf(jpeg, 600);
    HttpResponse<byte[]> corrupt = post("/v1/search", "image/jpeg", truncated);
    assertThat(corrupt.statusCode()).as(text(corrupt)).isIn(415, 422);
    assertThat(code(corrupt)).startsWith("image-");
  }

  // ---- near-duplicates ----

  @Test
  void aRescaledReencodedCopyFindsItsOriginalAndNothingUnrelated() throws Exception {
    IndexedPhotos.Photo original = corpus.named("fruits.jpg");
    byte[] copy = rescaledJpeg(original.bytes(), 0.6);
    long probe = PerceptualHasher.forEmbedder(embedder).hash(copy);

    JsonNode body = ok(post("/v1/search/duplicates?k=50", "image/jpeg", copy));
    JsonNode top = body.get("results").get(0);
    assertThat(top.get("id").asText()).isEqualTo(original.id());
    assertThat(top.get("distance").asInt()).isBetween(0, 6);
    assertThat(top.get("key").asText()).isEqualTo(original.key());
    assertThat(top.get("source").asText()).isEqualTo(original.source());
    assertThat(body.get("model").asText()).isEqualTo(PerceptualHasher.ID);
    List<Integer> distances = new ArrayList<>();
    for (JsonNode hit : body.get("results")) {
      IndexedPhotos.Photo p =
          corpus.photos.stream()
              .filter(x -> x.id().equals(hit.get("id").asText()))
              .findFirst()
              .orElseThrow();
      assertThat(hit.get("distance").asInt())
          .as(p.key())
          .isEqualTo(Long.bitCount(p.phash() ^ probe))
          .isLessThanOrEqualTo(10);
      distances.add(hit.get("distance").asInt());
    }
    assertThat(distances).isSorted();
    List<String> unrelated =
        corpus.photos.stream()
            .filter(p -> Long.bitCount(p.phash() ^ probe) > 10)
            .map(IndexedPhotos.Photo::id)
            .toList();
    assertThat(unrelated).hasSizeGreaterThan(corpus.photos.size() / 2);
    assertThat(ids(body)).doesNotContainAnyElementsOf(unrelated);

    // the same bytes: distance 0; a radius of 0 keeps only exact hash matches
    JsonNode exact =
        ok(post("/v1/search/duplicates?maxDistance=0", "image/jpeg", original.bytes()));
    assertThat(ids(exact)).contains(original.id());
    exact.get("results").forEach(hit -> assertThat(hit.get("distance").asInt()).isZero());
  }

  @Test
  void duplicateSearchFiltersAndErrors() throws Exception {
    IndexedPhotos.Photo original = corpus.named("fruits.jpg");
    byte[] copy = rescaledJpeg(original.bytes(), 0.6);
    String other =
        IndexedPhotos.SOURCES.stream()
            .filter(s -> !s.equals(original.source()))
            .findFirst()
            .orElseThrow();
    assertThat(
            ids(
                ok(
                    post(
                        "/v1/search/duplicates?source=" + enc(original.source()),
                        "image/jpeg",
                        copy))))
        .contains(original.id());
    assertThat(ids(ok(post("/v1/search/duplicates?source=" + enc(other), "image/jpeg", copy))))
        .doesNotContain(original.id());
    assertThat(
            ids(
                ok(
                    post(
                        "/v1/search/duplicates?tags=" + original.tags().get(0),
                        "image/jpeg",
                        copy))))
        .contains(original.id());
    String after = original.capturedAt().plusSeconds(1).toString();
    assertThat(ids(ok(post("/v1/search/duplicates?from=" + after, "image/jpeg", copy))))
        .doesNotContain(original.id());
    assertThat(ids(ok(post("/v1/search/duplicates?to=" + after, "image/jpeg", copy))))
        .contains(original.id());
    JsonNode viaMultipart = ok(multipart("/v1/search/duplicates", copy));
    assertThat(ids(viaMultipart).get(0)).isEqualTo(original.id());

    for (String query :
        List.of("maxDistance=33", "maxDistance=-1", "maxDistance=x", "k=0", "to=2024")) {
      assertError(
          post("/v1/search/duplicates?" + query, "image/jpeg", copy), 400, "invalid-parameter");
    }
    for (String payload : PAYLOADS) {
      if (payload.isBlank()) {
        continue;
      }
      for (String param :
          List.of("source", "tags", "from", "to", "k", "offset", "minScore", "maxDistance")) {
        assertError(
            post("/v1/search/duplicates?" + param + "=" + enc(payload), "image/jpeg", copy),
            400,
            "invalid-parameter");
      }
    }
    assertRejectsBadUploads(
        (type, body) -> post("/v1/search/duplicates", type, body), "image/jpeg", copy, MAX_BODY);
  }

  /** An object found by the test detector {@code det@1}. */
  private static DetectedItem detectedObject(
      int index, String label, int classId, float score, float[] box, float[] vector) {
    return new DetectedItem(Kind.OBJECT, index, label, classId, score, box, "det@1", vector);
  }

  /** The first face of an image, as the face detector stores it. */
  private static DetectedItem detectedFace(float score, float[] box, float[] vector) {
    return new DetectedItem(Kind.FACE, 0, "face", -1, score, box, "face@1", vector);
  }

  /**
   * The stored row of {@code photo}, re-written with {@code items} (the frame itself unchanged).
   */
  private VectorRecord storedWithItems(IndexedPhotos.Photo photo, DetectedItem... items) {
    return store.get(photo.id()).orElseThrow().withItems(List.of(items));
  }

  /**
   * The photo scaled by {@code factor} and re-encoded as JPEG (ImageIO's default quality, 0.75).
   */
  private static byte[] rescaledJpeg(byte[] photo, double factor) throws Exception {
    BufferedImage in = ImageIO.read(new java.io.ByteArrayInputStream(photo));
    return jpeg(
        TestImages.scaled(
            in,
            (int) Math.round(in.getWidth() * factor),
            (int) Math.round(in.getHeight() * factor)));
  }

  // ---- similar, vector, image, content, stats ----

  @Test
  void similarExcludesTheImageAndFindsItsPair() throws Exception {
    IndexedPhotos.Photo left = corpus.named("left01.jpg");
    JsonNode body = ok(get("/v1/images/" + left.id() + "/similar?k=3"));
    assertThat(ids(body)).doesNotContain(left.id()).hasSize(3);
    assertThat(ids(body).get(0)).isEqualTo(corpus.named("right01.jpg").id());
    assertThat(ids(ok(get("/v1/images/" + left.id() + "/similar?k=5&source=cam-b"))))
        .allMatch(
            id ->
                corpus.photos.stream()
                    .anyMatch(p -> p.id().equals(id) && p.source().equals("cam-b")));
    assertError(
        get("/v1/images/" + ImageIds.of("photos", "nope.jpg") + "/similar"),
        404,
        "image-not-found");
    assertError(get("/v1/images/not-an-id/similar"), 400, "invalid-parameter");
  }

  @Test
  void vectorSearchWithAStoredVector() throws Exception {
    IndexedPhotos.Photo p = corpus.named("graf1.png");
    String json =
        JSON.writeValueAsString(
            Map.of("vector", p.vector(), "k", 2, "tags", List.of(p.tags().get(0))));
    JsonNode body = ok(postJson(json));
    assertThat(ids(body).get(0)).isEqualTo(p.id());
    assertThat(body.get("results").get(0).get("score").asDouble()).isGreaterThan(0.999);
    assertError(postJson("{\"vector\":[1,2,3]}"), 400, "wrong-dimension");
    assertError(postJson("{\"vector\":[1,2,3],\"bogus\":1}"), 400, "invalid-json");
    assertError(
        post("/v1/search/vector", "text/csv", "1,2".getBytes()), 415, "unsupported-media-type");
  }

  @Test
  void imageMetadataContentAndUrls() throws Exception {
    IndexedPhotos.Photo png = corpus.named("graf3.png");
    JsonNode meta = ok(get("/v1/images/" + png.id()));
    assertThat(meta.get("key").asText()).isEqualTo(png.key());
    assertThat(meta.get("source").asText()).isEqualTo(png.source());
    assertThat(meta.get("capturedAt").asText()).isEqualTo(png.capturedAt().toString());
    assertThat(meta.get("model").asText()).isEqualTo(embedder.modelId());
    assertThat(meta.get("url").asText())
        .isEqualTo(
            "https://objects.test/" + IndexedPhotos.BUCKET + "/" + png.key() + "?expires=300");
    assertThat(meta.has("urlExpiresAt")).isTrue();

    IndexedPhotos.Photo jpg = corpus.named("home.jpg");
    JsonNode jpgMeta = ok(get("/v1/images/" + jpg.id()));
    assertThat(jpgMeta.get("url").asText()).isEqualTo("/v1/images/" + jpg.id() + "/content");
    HttpResponse<byte[]> content = get(jpgMeta.get("url").asText());
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(content.body()).isEqualTo(jpg.bytes());
    assertError(get("/v1/images/" + ImageIds.of("photos", "gone.jpg")), 404, "image-not-found");
    assertError(
        get("/v1/images/" + ImageIds.of("photos", "gone.jpg") + "/content"),
        404,
        "image-not-found");
  }

  @Test
  void statsShowTheNewestCaptureTime() throws Exception {
    JsonNode stats = ok(get("/v1/stats"));
    assertThat(stats.get("count").asLong()).isEqualTo(corpus.photos.size());
    assertThat(stats.get("newestCapturedAt").asText())
        .isEqualTo(corpus.newest().capturedAt().toString());
    assertThat(stats.get("model").asText()).isEqualTo(embedder.modelId());
  }

  // ---- objects and faces ----

  @Test
  void objectsAndFacesAreSearchableByVectorByIdAndByClass() throws Exception {
    IndexedPhotos.Photo a = corpus.named("left01.jpg");
    IndexedPhotos.Photo b = corpus.named("right01.jpg");
    IndexedPhotos.Photo c = corpus.named("graf1.png");
    int faceDim = store.items().faceDimension();
    float[] faceVector = new float[faceDim];
    faceVector[0] = 1f;
    // the frames stay as they were (same rows re-written with items), so the other tests see the
    // same images
    store.upsert(
        List.of(
            storedWithItems(
                a,
                detectedObject(
                    0, "person", 0, 0.9f, new float[] {0.1f, 0.2f, 0.3f, 0.9f}, a.vector()),
                detectedObject(1, "car", 2, 0.7f, new float[] {0.5f, 0.5f, 1f, 1f}, c.vector())),
            storedWithItems(
                b,
                detectedObject(0, "person", 0, 0.8f, new float[] {0f, 0f, 0.5f, 0.5f}, b.vector()),
                detectedFace(0.95f, new float[] {0.1f, 0.1f, 0.2f, 0.2f}, faceVector))));
    store.flush();

    JsonNode objects = ok(get("/v1/images/" + a.id() + "/objects"));
    assertThat(objects.get("objects")).hasSize(2);
    assertThat(objects.get("faces")).isEmpty();
    JsonNode car = objects.get("objects").get(1);
    assertThat(car.get("id").asText()).isEqualTo(a.id() + ".o1");
    assertThat(car.get("label").asText()).isEqualTo("car");
    assertThat(car.get("box").get(2).asDouble()).isEqualTo(1.0);
    assertThat(car.get("imageId").asText()).isEqualTo(a.id());
    assertThat(
            ok(get("/v1/images/" + b.id() + "/objects")).get("faces").get(0).get("kind").asText())
        .isEqualTo("face");
    JsonNode image = ok(get("/v1/images/" + a.id()));
    assertThat(image.get("key").asText()).isEqualTo(a.key());
    assertThat(image.get("objects"))
        .extracting(o -> o.get("label").asText())
        .containsExactly("person", "car");
    assertThat(image.get("faces")).isEmpty();

    String query = JSON.writeValueAsString(Map.of("vector", a.vector()));
    JsonNode people =
        ok(
            post(
                "/v1/objects/search/vector?class=person&k=5",
                "application/json",
                query.getBytes()));
    assertThat(people.get("results")).hasSize(2);
    JsonNode best = people.get("results").get(0);
    assertThat(best.get("item").get("id").asText()).isEqualTo(a.id() + ".o0");
    assertThat(best.get("score").asDouble()).isGreaterThan(0.999);
    assertThat(best.get("item").get("source").asText()).isEqualTo(a.source());
    assertThat(best.get("item").get("url").asText()).isNotBlank();
    assertThat(
            ok(post(
                    "/v1/objects/search/vector?group=image&k=5",
                    "application/json",
                    query.getBytes()))
                .get("results"))
        .hasSize(2);

    String jpeg = a.contentType();
    JsonNode byUpload = ok(post("/v1/objects/search?k=3", jpeg, a.bytes()));
    assertThat(byUpload.get("results").get(0).get("item").get("id").asText())
        .isEqualTo(a.id() + ".o0");
    assertThat(byUpload.get("results").get(0).get("score").asDouble()).isGreaterThan(0.999);
    JsonNode byBox = ok(post("/v1/objects/search?k=3&box=0,0,1,1", jpeg, a.bytes()));
    assertThat(byBox.get("results").get(0).get("item").get("id").asText())
        .as("the whole image as a box: the decoded, re-encoded upload")
        .isEqualTo(a.id() + ".o0");
    assertThat(
            ok(post("/v1/objects/search?k=3&box=0.1,0.1,0.4,0.6&class=car", jpeg, a.bytes()))
                .get("results"))
        .extracting(r -> r.get("item").get("label").asText())
        .containsExactly("car");
    assertError(
        post("/v1/objects/search?box=0.5,0,0.2,1", jpeg, a.bytes()), 400, "invalid-parameter");

    JsonNode similar = ok(get("/v1/objects/" + a.id() + ".o0/similar?k=5"));
    assertThat(similar.get("results"))
        .extracting(r -> r.get("item").get("id").asText())
        .doesNotContain(a.id() + ".o0")
        .contains(b.id() + ".o0", a.id() + ".o1");
    JsonNode faces = ok(get("/v1/objects/" + b.id() + ".f0/similar?k=5"));
    assertThat(faces.get("results")).isEmpty();

    List<String> newestFirst =
        java.util.stream.Stream.of(a, b)
            .sorted(Comparator.comparing(IndexedPhotos.Photo::capturedAt).reversed())
            .map(IndexedPhotos.Photo::id)
            .toList();
    assertThat(ok(get("/v1/objects/images?q=" + enc("people at the door"))).get("results"))
        .extracting(r -> r.get("item").get("imageId").asText())
        .containsExactlyElementsOf(newestFirst);
    assertThat(ok(get("/v1/objects/images?class=car&source=" + enc(a.source()))).get("results"))
        .hasSize(1);
    assertThat(ok(get("/v1/objects/images?class=person&k=1&offset=1")).get("results"))
        .extracting(r -> r.get("item").get("imageId").asText())
        .containsExactly(newestFirst.get(1));

    assertError(get("/v1/objects/images"), 400, "invalid-parameter");
    assertError(get("/v1/objects/images?class=unicorn"), 400, "invalid-parameter");
    assertThat(text(get("/v1/objects/images?q=sunset"))).contains("text model");
    assertError(get("/v1/objects/" + a.id() + ".o9/similar"), 404, "object-not-found");
    assertError(get("/v1/objects/nonsense/similar"), 400, "invalid-parameter");
    assertError(
        post("/v1/objects/search/vector?kind=face", "application/json", query.getBytes()),
        400,
        "wrong-dimension");
    assertError(
        post("/v1/objects/search/vector?group=camera", "application/json", query.getBytes()),
        400,
        "invalid-parameter");

    // a watch preview from a stored object or face: the stored items of its kind, classes and
    // model, each match with its box and class (issue #15)
    JsonNode person =
        ok(
            post(
                "/v1/watches/preview",
                "application/json",
                ("{\"objectId\":\""
                        + a.id()
                        + ".o0\",\"classes\":[\"person\"],\"threshold\":0.999}")
                    .getBytes()));
    assertThat(person.get("target").asText()).isEqualTo("OBJECTS");
    assertThat(person.get("examined").asInt()).isEqualTo(2); // both persons, not the car
    assertThat(person.get("matches"))
        .extracting(m -> m.get("objectId").asText())
        .containsExactly(a.id() + ".o0");
    assertThat(person.get("matches").get(0).get("label").asText()).isEqualTo("person");
    assertThat(person.get("matches").get(0).get("box").get(3).floatValue()).isEqualTo(0.9f);
    JsonNode face =
        ok(
            post(
                "/v1/watches/preview",
                "application/json",
                ("{\"objectId\":\"" + b.id() + ".f0\",\"threshold\":0.99}").getBytes()));
    assertThat(face.get("target").asText()).isEqualTo("FACES");
    assertThat(face.get("matches"))
        .extracting(m -> m.get("objectId").asText())
        .containsExactly(b.id() + ".f0");
  }

  @Test
  void aFacePhotoFindsThatPersonsStoredFace() throws Exception {
    IndexedPhotos.Photo messi = corpus.named("messi5.jpg");
    BufferedImage photo = ImageIO.read(messi.file().toFile());
    List<Box> boxes;
    List<float[]> descriptors;
    try (FaceDetector detector =
            FaceDetector.load(FaceDetector.Options.DEFAULT, OnnxOptions.DEFAULT);
        FaceDescriber describer = FaceDescriber.load(OnnxOptions.DEFAULT)) {
      boxes = detector.detect(photo).stream().map(d -> d.box()).toList();
      descriptors = describer.describe(photo, boxes);
    }
    assertThat(boxes).as("faces the detector finds in messi5.jpg").isNotEmpty();
    Box face = boxes.get(0);
    store.upsert(
        List.of(
            storedWithItems(
                messi,
                detectedFace(
                    0.9f,
                    new float[] {face.x0(), face.y0(), face.x1(), face.y1()},
                    descriptors.get(0)))));
    store.flush();

    // the same face in another picture: scaled to 70 % and re-encoded
    byte[] smaller = jpeg(scaled(photo, 0.7));
    JsonNode found = ok(post("/v1/objects/search?kind=face&k=3", "image/jpeg", smaller));
    assertThat(found.get("faces")).hasSizeGreaterThanOrEqualTo(1);
    JsonNode best = found.get("faces").get(0).get("results").get(0);
    assertThat(best.get("item").get("id").asText()).isEqualTo(messi.id() + ".f0");
    assertThat(best.get("item").get("imageId").asText()).isEqualTo(messi.id());
    assertThat(best.get("score").asDouble()).isGreaterThan(0.8);

    String around =
        String.format(
            java.util.Locale.ROOT,
            "%.3f,%.3f,%.3f,%.3f",
            face.x0(),
            face.y0(),
            Math.min(1, face.x1() + 0.01),
            Math.min(1, face.y1() + 0.01));
    JsonNode chosen =
        ok(post("/v1/objects/search?kind=face&k=3&box=" + around, "image/jpeg", smaller));
    assertThat(chosen.get("faces")).as("a box chooses one face").hasSize(1);
    assertThat(chosen.get("faces").get(0).get("results").get(0).get("item").get("id").asText())
        .isEqualTo(messi.id() + ".f0");

    assertError(
        post("/v1/objects/search?kind=face&box=0,0,0.02,0.02", "image/jpeg", smaller),
        400,
        "no-face");
    BufferedImage grey = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    assertError(post("/v1/objects/search?kind=face", "image/jpeg", jpeg(grey)), 400, "no-face");
  }

  private static BufferedImage scaled(BufferedImage image, double factor) {
    return TestImages.scaled(
        image, (int) (image.getWidth() * factor), (int) (image.getHeight() * factor));
  }

  private static byte[] jpeg(BufferedImage image) {
    return TestImages.encode(image, "jpg");
  }

  // ---- live view listing and timeline ----

  @Test
  void listingIsNewestFirstAndFilteredOnTheStore() throws Exception {
    List<IndexedPhotos.Photo> newestFirst =
        corpus.photos.stream()
            .sorted(Comparator.comparing(IndexedPhotos.Photo::capturedAt).reversed())
            .toList();
    JsonNode five = ok(get("/v1/images?limit=5&order=newest"));
    assertThat(listed(five))
        .containsExactlyElementsOf(
            newestFirst.subList(0, 5).stream().map(IndexedPhotos.Photo::id).toList());
    assertThat(five.get("complete").asBoolean()).isTrue();
    JsonNode first = five.get("images").get(0);
    assertThat(first.get("capturedAt").asText())
        .isEqualTo(newestFirst.get(0).capturedAt().toString());
    assertThat(first.get("source").asText()).isEqualTo(newestFirst.get(0).source());
    assertThat(first.get("key").asText()).isEqualTo(newestFirst.get(0).key());

    for (String source : IndexedPhotos.SOURCES) {
      assertThat(listed(ok(get("/v1/images?limit=500&source=" + enc(source)))))
          .containsExactlyElementsOf(
              newestFirst.stream()
                  .filter(p -> p.source().equals(source))
                  .map(IndexedPhotos.Photo::id)
                  .toList());
    }
    Instant from = IndexedPhotos.FIRST_CAPTURE.plusSeconds(3600L * 3);
    Instant to = IndexedPhotos.FIRST_CAPTURE.plusSeconds(3600L * 7);
    assertThat(listed(ok(get("/v1/images?tags=night&from=" + from + "&to=" + to))))
        .containsExactlyElementsOf(
            newestFirst.stream()
                .filter(
                    p ->
                        p.tags().contains("night")
                            && !p.capturedAt().isBefore(from)
                            && p.capturedAt().isBefore(to))
                .map(IndexedPhotos.Photo::id)
                .toList())
        .hasSize(2);
    assertThat(ok(get("/v1/images?source=nowhere")).get("images")).isEmpty();
  }

  @Test
  void timelineCountsEachHourOnTheStore() throws Exception {
    Instant from = IndexedPhotos.FIRST_CAPTURE;
    Instant to = from.plusSeconds(3600L * 24);
    JsonNode all = ok(get("/v1/timeline?interval=3600&from=" + from + "&to=" + to));
    assertThat(all.get("from").asText()).isEqualTo(from.toString());
    assertThat(all.get("counts")).hasSize(24);
    for (int h = 0; h < 24; h++) {
      assertThat(all.get("counts").get(h).asLong())
          .as("hour %d", h)
          .isEqualTo(h < corpus.photos.size() ? 1 : 0);
    }
    assertThat(all.get("total").asLong()).isEqualTo(Math.min(24, corpus.photos.size()));
    assertThat(all.get("complete").asBoolean()).isTrue();

    JsonNode camB =
        ok(
            get(
                "/v1/timeline?interval=86400&source=cam-b&from="
                    + from
                    + "&to="
                    + from.plusSeconds(86400L * 2)));
    assertThat(camB.get("total").asLong())
        .isEqualTo(corpus.photos.stream().filter(p -> p.source().equals("cam-b")).count());
  }

  @Test
  void listingAndTimelineRejectBadParameters() throws Exception {
    for (String query :
        List.of(
            "limit=0",
            "limit=501",
            "order=oldest",
            "from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z")) {
      assertError(get("/v1/images?" + query), 400, "invalid-parameter");
    }
    assertError(get("/v1/timeline?interval=0"), 400, "invalid-parameter");
    assertError(
        get("/v1/timeline?from=2020-01-01T00:00:00Z&to=2024-01-01T00:00:00Z"),
        400,
        "invalid-parameter");
    for (String payload : PAYLOADS) {
      if (payload.isBlank()) {
        continue;
      }
      for (String param : List.of("source", "tags", "from", "to")) {
        assertError(get("/v1/images?" + param + "=" + enc(payload)), 400, "invalid-parameter");
        assertError(get("/v1/timeline?" + param + "=" + enc(payload)), 400, "invalid-parameter");
      }
    }
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/images")).build(),
                    BodyHandlers.ofByteArray())
                .statusCode())
        .isEqualTo(401);
  }

  private static List<String> listed(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("images").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  // ---- filter safety, auth, probes ----

  @Test
  void injectionPayloadsNeverReachTheStore() throws Exception {
    byte[] query = corpus.named("messi5.jpg").bytes();
    Set<String> all = new HashSet<>(ids(ok(post("/v1/search?k=100", "image/jpeg", query))));
    for (String payload : PAYLOADS) {
      String q = enc(payload);
      for (String param : List.of("source", "tags", "from", "to", "k", "offset", "minScore")) {
        String k = param.equals("k") ? "" : "k=100&";
        HttpResponse<byte[]> r = post("/v1/search?" + k + param + "=" + q, "image/jpeg", query);
        if (payload.isBlank()) {
          // stripped to "absent": the unrestricted ranking (default k for k itself)
          List<String> got = ids(ok(r));
          assertThat(all).as(param).containsAll(got);
          assertThat(got).hasSize(param.equals("k") ? 10 : all.size());
        } else {
          assertError(r, 400, "invalid-parameter");
        }
      }
    }
    // allowed punctuation is matched literally, not interpreted
    JsonNode gate = ok(post("/v1/search?k=100&source=" + enc("yard/gate:2"), "image/jpeg", query));
    assertThat(gate.get("results")).isNotEmpty();
    assertThat(
            ok(post("/v1/search?k=100&source=" + enc("yard/gate"), "image/jpeg", query))
                .get("results"))
        .isEmpty();
    assertThat(
            ok(post("/v1/search?k=100&source=" + enc("cam-"), "image/jpeg", query)).get("results"))
        .isEmpty();
  }

  @Test
  void apiKeysAreRequiredOnV1() throws Exception {
    HttpResponse<byte[]> none =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/stats")).build(),
            BodyHandlers.ofByteArray());
    assertError(none, 401, "unauthorized");
    HttpResponse<byte[]> wrong =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/stats"))
                .header(ApiKeys.HEADER, API_KEY + "-x")
                .build(),
            BodyHandlers.ofByteArray());
    assertError(wrong, 403, "forbidden");
  }

  @Test
  void probesMetricsAndRouting() throws Exception {
    JsonNode ready = ok(get("/readyz"));
    assertThat(ready.get("count").asLong()).isEqualTo(corpus.photos.size());
    assertThat(ready.get("model").asText()).isEqualTo(embedder.modelId());
    assertThat(ok(get("/healthz")).get("status").asText()).isEqualTo("UP");
    assertThat(ok(get("/openapi.json")).get("openapi").asText()).startsWith("3.");
    assertError(get("/v1/nothing"), 404, "not-found");
    assertError(get("/v1/search"), 405, "method-not-allowed");
    ok(post("/v1/search?k=1", "image/jpeg", corpus.newest().bytes()));
    String metrics = new String(get("/metrics").body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("imgsearch_search_latency_seconds_bucket{kind=\"image\"");
  }

  // ---- helpers ----

  String base() {
    return base;
  }

  IndexedPhotos corpus() {
    return corpus;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .header(ApiKeys.HEADER, API_KEY);
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(request(path).GET().build(), BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
    return http.send(
        TestApis.withBody(request(path), contentType, body).build(), BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> postJson(String json) throws Exception {
    return post("/v1/search/vector", "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<byte[]> multipart(String path, byte[] image) throws Exception {
    return post(path, MULTIPART, multipartBody("image", "q.jpg", "image/jpeg", image));
  }

  private static JsonNode ok(HttpResponse<byte[]> r) throws Exception {
    assertThat(r.statusCode()).as("%s -> %s", r.uri(), text(r)).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static String code(HttpResponse<byte[]> r) throws Exception {
    return JSON.readTree(r.body()).path("error").path("code").asText();
  }
}
