package dev.imgsearch.query;

import static dev.imgsearch.query.ApiResponses.MULTIPART;
import static dev.imgsearch.query.ApiResponses.assertError;
import static dev.imgsearch.query.ApiResponses.assertRejectsBadUploads;
import static dev.imgsearch.query.ApiResponses.ids;
import static dev.imgsearch.query.ApiResponses.multipartBody;
import static dev.imgsearch.query.ApiResponses.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.indexer.store.VectorRecord;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/search/duplicates} over real HTTP with the real perceptual hash, and the
 * store-call timeout (504) on every search endpoint, against a {@link TestVectorStore} that can be
 * made slow.
 */
class DuplicateSearchTest {

  private static final int MAX_BODY = 256 * 1024;
  private static final Duration STORE_TIMEOUT = Duration.ofMillis(500);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final TestVectorStore STORE = new TestVectorStore(TestImageEmbedder.DIMENSION);

  private static final byte[] SCENE = png(scene(256, 192), "png");
  private static final byte[] SCENE_RESCALED_JPEG = png(scene(400, 300), "jpg");
  private static final byte[] OTHER = png(noise(256, 192), "png");
  private static final String SCENE_ID = "00000000000000000000000000000001";
  private static final String SCENE_COPY_ID = "00000000000000000000000000000002";
  private static final String OTHER_ID = "00000000000000000000000000000003";
  private static final String UNHASHED_ID = "00000000000000000000000000000004";

  private static QueryService service;
  private static QueryApi api;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    TestImageEmbedder embedder = new TestImageEmbedder(MAX_BODY);
    PerceptualHasher hasher = PerceptualHasher.forEmbedder(embedder);
    STORE.upsert(
        List.of(
            row(SCENE_ID, "cam-1", "2024-01-01T00:00:00Z", "street").withPhash(hasher.hash(SCENE)),
            row(SCENE_COPY_ID, "cam-2", "2024-03-01T00:00:00Z", "park")
                .withPhash(hasher.hash(SCENE)),
            row(OTHER_ID, "cam-1", "2024-02-01T00:00:00Z", "street").withPhash(hasher.hash(OTHER)),
            row(UNHASHED_ID, "cam-1", "2024-01-01T00:00:00Z", "street")));
    service = QueryService.builder(embedder, STORE).storeTimeout(STORE_TIMEOUT).build();
    api =
        TestApis.start(
            service, QueryApiOptions.defaults().withAnonymousAccess().withMaxBodyBytes(MAX_BODY));
    base = TestApis.base(api);
  }

  @AfterAll
  static void stop() {
    api.stop();
    service.close();
  }

  @AfterEach
  void heal() {
    STORE.failWith(null);
    STORE.slowReads(Duration.ZERO);
  }

  @Test
  void aRescaledReencodedCopyFindsTheOriginalWithASmallDistance() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/search/duplicates", "image/jpeg", SCENE_RESCALED_JPEG);

    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(ids(body)).containsExactlyInAnyOrder(SCENE_ID, SCENE_COPY_ID);
    for (JsonNode hit : body.get("results")) {
      assertThat(hit.get("distance").asInt()).isBetween(0, 6);
      assertThat(hit.get("score").floatValue()).isEqualTo(1f - hit.get("distance").asInt() / 64f);
      assertThat(hit.get("url").asText()).startsWith("/v1/images/");
    }
    assertThat(body.get("model").asText()).isEqualTo(PerceptualHasher.ID);
    assertThat(body.get("offset").asInt()).isZero();
  }

  @Test
  void theSameBytesAreAtDistanceZeroAndUnrelatedImagesAreOutsideTheRadius() throws Exception {
    JsonNode exact =
        JSON.readTree(post("/v1/search/duplicates?maxDistance=0", "image/png", SCENE).body());
    assertThat(ids(exact)).containsExactly(SCENE_ID, SCENE_COPY_ID);
    assertThat(exact.get("results").get(0).get("distance").asInt()).isZero();

    JsonNode other = JSON.readTree(post("/v1/search/duplicates", "image/png", OTHER).body());
    assertThat(ids(other)).containsExactly(OTHER_ID);
    // the widest radius still keeps unrelated pictures (about 32 bits apart) mostly out; nothing
    // unhashed ever appears
    JsonNode wide =
        JSON.readTree(post("/v1/search/duplicates?maxDistance=32&k=10", "image/png", SCENE).body());
    assertThat(ids(wide)).doesNotContain(UNHASHED_ID).contains(SCENE_ID, SCENE_COPY_ID);
  }

  @Test
  void filtersAndPagingApply() throws Exception {
    assertThat(
            ids(
                JSON.readTree(
                    post("/v1/search/duplicates?source=cam-2", "image/png", SCENE).body())))
        .containsExactly(SCENE_COPY_ID);
    assertThat(
            ids(
                JSON.readTree(
                    post("/v1/search/duplicates?tags=street", "image/png", SCENE).body())))
        .containsExactly(SCENE_ID);
    assertThat(
            ids(
                JSON.readTree(
                    post(
                            "/v1/search/duplicates?from=2024-02-01T00:00:00Z&to=2024-04-01T00:00:00Z",
                            "image/png",
                            SCENE)
                        .body())))
        .containsExactly(SCENE_COPY_ID);
    JsonNode first = JSON.readTree(post("/v1/search/duplicates?k=1", "image/png", SCENE).body());
    assertThat(ids(first)).containsExactly(SCENE_ID);
    assertThat(first.get("nextOffset").asInt()).isEqualTo(1);
    assertThat(
            ids(
                JSON.readTree(
                    post("/v1/search/duplicates?k=1&offset=1", "image/png", SCENE).body())))
        .containsExactly(SCENE_COPY_ID);
    assertThat(STORE.lastK()).isEqualTo(2);
  }

  @Test
  void multipartUploadsWork() throws Exception {
    HttpResponse<byte[]> response =
        post(
            "/v1/search/duplicates",
            MULTIPART,
            multipartBody("image", "q.jpg", "image/jpeg", SCENE_RESCALED_JPEG));
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    assertThat(ids(JSON.readTree(response.body()))).contains(SCENE_ID);
  }

  @Test
  void badParametersAndBodiesAreClientErrors() throws Exception {
    for (String query :
        List.of(
            "maxDistance=-1",
            "maxDistance=33",
            "maxDistance=ten",
            "maxDistance=1&maxDistance=2",
            "k=0",
            "k=1001",
            "offset=-1",
            "from=yesterday",
            "minScore=2",
            "source=" + enc("a'b"),
            "tags=" + enc("x\"y"))) {
      assertError(
          post("/v1/search/duplicates?" + query, "image/png", SCENE), 400, "invalid-parameter");
    }
    assertRejectsBadUploads(
        (type, body) -> post("/v1/search/duplicates", type, body), "image/png", SCENE, MAX_BODY);
  }

  @Test
  void storeFailuresAre503() throws Exception {
    STORE.failWith(new IllegalStateException("milvus: connection refused"));
    assertError(post("/v1/search/duplicates", "image/png", SCENE), 503, "store-unavailable");
  }

  @Test
  void aSlowStoreIs504OnEverySearchWithinTheTimeout() throws Exception {
    STORE.slowReads(Duration.ofSeconds(5));
    for (HttpRequest.Builder request :
        List.of(
            request("/v1/search/duplicates")
                .header("Content-Type", "image/png")
                .POST(BodyPublishers.ofByteArray(SCENE)),
            request("/v1/search")
                .header("Content-Type", "image/png")
                .POST(BodyPublishers.ofByteArray(SCENE)),
            request("/v1/search/vector")
                .header("Content-Type", "application/json")
                .POST(
                    BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("vector", List.of(1, 0, 0, 0.2))))),
            request("/v1/images/" + SCENE_ID + "/similar").GET(),
            request("/v1/images/" + SCENE_ID).GET())) {
      long start = System.nanoTime();
      HttpResponse<byte[]> response = HTTP.send(request.build(), BodyHandlers.ofByteArray());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertError(response, 504, StoreTimeoutException.CODE);
      assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("500 ms");
      assertThat(took).as(response.uri().toString()).isLessThan(Duration.ofSeconds(3));
    }
    STORE.slowReads(Duration.ZERO);
    assertThat(post("/v1/search/duplicates", "image/png", SCENE).statusCode()).isEqualTo(200);
  }

  @Test
  void statsIsBoundedByOneTimeoutAcrossItsProbes() throws Exception {
    // count, then ≥ 2 freshness probes of 300 ms each: every call is within the 500 ms timeout, the
    // request is not
    STORE.slowReads(Duration.ofMillis(300));
    long start = System.nanoTime();
    HttpResponse<byte[]> response =
        HTTP.send(request("/v1/stats").GET().build(), BodyHandlers.ofByteArray());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertError(response, 504, StoreTimeoutException.CODE);
    assertThat(took).isLessThan(Duration.ofMillis(1500));
    STORE.slowReads(Duration.ZERO);
    assertThat(
            HTTP.send(request("/v1/stats").GET().build(), BodyHandlers.ofByteArray()).statusCode())
        .isEqualTo(200);
  }

  // ---- helpers ----

  private static VectorRecord row(String id, String source, String capturedAt, String... tags) {
    return new VectorRecord(
        id,
        TestImageEmbedder.vectorOf(10, 20, 30),
        "photos",
        id + ".png",
        source,
        java.time.Instant.parse(capturedAt).toEpochMilli(),
        List.of(tags),
        TestImageEmbedder.MODEL_ID);
  }

  /** A drawn scene: gradient sky, a sun, hills and a house; any size, same picture. */
  static BufferedImage scene(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.scale(width / 256.0, height / 192.0);
    for (int y = 0; y < 192; y++) {
      g.setColor(new Color(40 + y / 2, 90 + y / 3, 220 - y / 2));
      g.fillRect(0, y, 256, 1);
    }
    g.setColor(Color.YELLOW);
    g.fillOval(180, 20, 40, 40);
    g.setColor(new Color(30, 120, 40));
    g.fillOval(-60, 110, 220, 160);
    g.fillOval(100, 130, 260, 140);
    g.setColor(new Color(150, 60, 40));
    g.fillRect(60, 100, 50, 40);
    g.setColor(Color.DARK_GRAY);
    g.fillPolygon(new int[] {55, 85, 115}, new int[] {100, 75, 100}, 3);
    g.dispose();
    return image;
  }

  /** Random blocks: unrelated to {@link #scene}. */
  static BufferedImage noise(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    Random random = new Random(7);
    for (int y = 0; y < height; y += 16) {
      for (int x = 0; x < width; x += 16) {
        g.setColor(new Color(random.nextInt(0x1000000)));
        g.fillRect(x, y, 16, 16);
      }
    }
    g.dispose();
    return image;
  }

  private static byte[] png(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<byte[]> post(String path, String contentType, byte[] body)
      throws Exception {
    return HTTP.send(
        TestApis.withBody(request(path), contentType, body).build(), BodyHandlers.ofByteArray());
  }
}
