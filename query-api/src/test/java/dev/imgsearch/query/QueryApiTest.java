package dev.imgsearch.query;

import static dev.imgsearch.query.ApiResponses.MULTIPART;
import static dev.imgsearch.query.ApiResponses.assertError;
import static dev.imgsearch.query.ApiResponses.assertOk;
import static dev.imgsearch.query.ApiResponses.ids;
import static dev.imgsearch.query.ApiResponses.multipartBody;
import static dev.imgsearch.query.TestImages.BLUE;
import static dev.imgsearch.query.TestImages.GREEN;
import static dev.imgsearch.query.TestImages.ORANGE;
import static dev.imgsearch.query.TestImages.PURPLE;
import static dev.imgsearch.query.TestImages.RED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.schemas.ImageIds;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint and error path over real HTTP against a server on a free port. */
class QueryApiTest {

  private static final int MAX_BODY = 64 * 1024;
  private static final int EMBEDDER_MAX_BYTES = 32 * 1024;
  private static final String IO_FAILURE = "disk on fire";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TestVectorStore STORE = new TestVectorStore(TestImageEmbedder.DIMENSION);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static QueryService service;
  private static QueryApi api;
  private static String base;

  /** Serves RED as PNG, ORANGE as HTML, GREEN as SVG, fails for PURPLE, has nothing else. */
  private static Optional<ImageContentSource.Content> open(String bucket, String key)
      throws IOException {
    if (key.equals(PURPLE.key())) {
      throw new IOException(IO_FAILURE);
    }
    if (key.equals(RED.key())) {
      return Optional.of(
          new ImageContentSource.Content(new ByteArrayInputStream(RED.png()), "image/png", -1));
    }
    if (key.equals(ORANGE.key())) {
      byte[] html = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
      return Optional.of(
          new ImageContentSource.Content(new ByteArrayInputStream(html), "text/html", html.length));
    }
    if (key.equals(GREEN.key())) {
      byte[] svg =
          "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".getBytes();
      return Optional.of(
          new ImageContentSource.Content(new ByteArrayInputStream(svg), "image/svg+xml", -1));
    }
    return Optional.empty();
  }

  /** Signs BLUE only; fails for PURPLE. */
  private static Optional<String> sign(String bucket, String key, Duration expiry)
      throws IOException {
    if (key.equals(PURPLE.key())) {
      throw new IOException(IO_FAILURE);
    }
    return key.equals(BLUE.key())
        ? Optional.of(
            "https://s3.test/" + bucket + "/" + key + "?X-Amz-Expires=" + expiry.toSeconds())
        : Optional.empty();
  }

  @BeforeAll
  static void startServer() {
    STORE.upsert(TestImages.records());
    service =
        QueryService.builder(new TestImageEmbedder(EMBEDDER_MAX_BYTES), STORE)
            .contentSource(QueryApiTest::open)
            .urlSigner(QueryApiTest::sign)
            .build();
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withAnonymousAccess()
            .withMaxBodyBytes(MAX_BODY)
            .withReadinessTimeout(Duration.ofMillis(300));
    api = TestApis.start(service, options);
    base = TestApis.base(api);
  }

  @AfterAll
  static void stopServer() {
    api.stop();
    service.close();
  }

  @AfterEach
  void healStore() {
    STORE.failWith(null);
    STORE.slowCount(Duration.ZERO);
    STORE.slowReads(Duration.ZERO);
  }

  // ---- search by image ----

  @Test
  void searchByRawImageRanksBySimilarity() throws Exception {
    HttpResponse<byte[]> response = post("/v1/search", "image/png", RED.png());

    assertOk(response, "json");
    JsonNode body = json(response);
    assertThat(ids(body))
        .containsExactly(RED.id(), ORANGE.id(), PURPLE.id(), BLUE.id(), GREEN.id());
    JsonNode first = body.get("results").get(0);
    assertThat(first.get("score").floatValue()).isCloseTo(1f, within(1e-4f));
    assertThat(first.get("bucket").asText()).isEqualTo(TestImages.BUCKET);
    assertThat(first.get("key").asText()).isEqualTo("red.png");
    assertThat(first.get("source").asText()).isEqualTo("cam-1");
    assertThat(first.get("capturedAt").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(first.get("tags")).containsExactly(JSON.getNodeFactory().textNode("street"));
    assertThat(scores(body)).isSortedAccordingTo((a, b) -> Float.compare(b, a));
    assertThat(body.get("tookMs").isIntegralNumber()).isTrue();
    assertThat(body.get("model").asText()).isEqualTo(TestImageEmbedder.MODEL_ID);
  }

  @Test
  void searchAcceptsOctetStreamAndMultipart() throws Exception {
    assertThat(ids(json(post("/v1/search?k=1", "application/octet-stream", BLUE.png()))))
        .containsExactly(BLUE.id());

    HttpResponse<byte[]> multipart = postMultipart("/v1/search?k=1", "image", GREEN.png());
    assertThat(multipart.statusCode()).isEqualTo(200);
    assertThat(ids(json(multipart))).containsExactly(GREEN.id());
  }

  @Test
  void searchAppliesFilters() throws Exception {
    assertThat(ids(json(post("/v1/search?source=cam-2", "image/png", RED.png()))))
        .containsExactly(BLUE.id(), GREEN.id());
    assertThat(ids(json(post("/v1/search?source=cam-2&source=cam-3", "image/png", RED.png()))))
        .containsExactly(PURPLE.id(), BLUE.id(), GREEN.id());
    assertThat(ids(json(post("/v1/search?source=cam-1,cam-3", "image/png", RED.png()))))
        .containsExactly(RED.id(), ORANGE.id(), PURPLE.id());
    assertThat(ids(json(post("/v1/search?tags=night", "image/png", RED.png()))))
        .containsExactly(ORANGE.id(), BLUE.id());
    assertThat(
            ids(
                json(
                    post(
                        "/v1/search?from=2024-02-01T00:00:00Z&to=2024-03-01T00:00:00Z",
                        "image/png",
                        RED.png()))))
        .containsExactly(ORANGE.id(), PURPLE.id());
    assertThat(ids(json(post("/v1/search?minScore=0.5", "image/png", RED.png()))))
        .containsExactly(RED.id(), ORANGE.id(), PURPLE.id());
    assertThat(ids(json(post("/v1/search?k=2", "image/png", RED.png()))))
        .containsExactly(RED.id(), ORANGE.id());
    assertThat(ids(json(post("/v1/search?source=nowhere", "image/png", RED.png())))).isEmpty();
  }

  @Test
  void searchRejectsBadParameters() throws Exception {
    for (String query :
        List.of(
            "k=0",
            "k=1001",
            "k=abc",
            "from=yesterday",
            "to=2024-01-01",
            "from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z",
            "minScore=2",
            "minScore=high")) {
      assertError(post("/v1/search?" + query, "image/png", RED.png()), 400, "invalid-parameter");
    }
  }

  @Test
  void searchRejectsMissingOrMistypedBodies() throws Exception {
    assertError(post("/v1/search", "image/png", new byte[0]), 400, "missing-body");
    assertError(post("/v1/search", "text/plain", RED.png()), 415, "unsupported-media-type");
    assertError(
        post("/v1/search", "application/x-www-form-urlencoded", RED.png()),
        415,
        "unsupported-media-type");
    assertError(
        send(request("/v1/search").POST(BodyPublishers.ofByteArray(RED.png()))),
        415,
        "unsupported-media-type");
    assertError(postMultipart("/v1/search", "file", RED.png()), 400, "missing-body");
    assertError(
        post("/v1/search", "multipart/form-data; boundary=xyz", "garbage".getBytes()),
        400,
        "malformed-body");
  }

  @Test
  void searchRejectsBodiesOverTheLimit() throws Exception {
    byte[] tooLarge = new byte[MAX_BODY + 1];

    assertError(post("/v1/search", "image/jpeg", tooLarge), 413, "payload-too-large");
    HttpResponse<byte[]> chunked =
        send(
            request("/v1/search")
                .header("Content-Type", "image/jpeg")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooLarge))));
    assertError(chunked, 413, "payload-too-large");
    assertError(postMultipart("/v1/search", "image", tooLarge), 413, "payload-too-large");
  }

  @Test
  void searchRefusesAHugeDeclaredBodyWithoutReadingIt() throws Exception {
    long start = System.nanoTime();

    HttpResponse<byte[]> response = post("/v1/search", "image/jpeg", new byte[16 * 1024 * 1024]);

    assertError(response, 413, "payload-too-large");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void searchMapsEmbedderRejections() throws Exception {
    assertError(
        post("/v1/search", "image/png", "not an image".getBytes()),
        415,
        "image-unsupported-format");
    assertError(
        post("/v1/search", "image/png", new byte[EMBEDDER_MAX_BYTES + 1]), 413, "image-too-large");
    byte[] noise = noisePng();
    assertThat(ImageIO.read(new ByteArrayInputStream(noise))).isNotNull();
    byte[] truncated = Arrays.copyOf(noise, noise.length / 2);
    assertError(post("/v1/search", "image/png", truncated), 422, "image-corrupt");
  }

  @Test
  void searchAnswers503WhenTheStoreFails() throws Exception {
    STORE.failWith(new IllegalStateException("milvus: connection refused"));

    HttpResponse<byte[]> response = post("/v1/search", "image/png", RED.png());

    assertError(response, 503, "store-unavailable");
    assertThat(message(response)).contains("connection refused");
  }

  // ---- similar ----

  @Test
  void similarExcludesTheImageItself() throws Exception {
    HttpResponse<byte[]> response = get("/v1/images/" + RED.id() + "/similar?k=3");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ids(json(response))).containsExactly(ORANGE.id(), PURPLE.id(), BLUE.id());
  }

  @Test
  void similarAppliesFilters() throws Exception {
    assertThat(ids(json(get("/v1/images/" + RED.id() + "/similar?source=cam-2&minScore=0.045"))))
        .containsExactly(BLUE.id());
  }

  @Test
  void similarErrors() throws Exception {
    String unknown = ImageIds.of(TestImages.BUCKET, "missing.png");
    HttpResponse<byte[]> notFound = get("/v1/images/" + unknown + "/similar");
    assertError(notFound, 404, "image-not-found");
    assertThat(message(notFound)).contains(unknown);
    assertError(get("/v1/images/not-an-id/similar"), 400, "invalid-parameter");
    assertError(get("/v1/images/" + RED.id() + "/similar?k=-5"), 400, "invalid-parameter");
    STORE.failWith(new IllegalStateException("down"));
    assertError(get("/v1/images/" + RED.id() + "/similar"), 503, "store-unavailable");
  }

  // ---- vector ----

  @Test
  void vectorSearchRanksAndFilters() throws Exception {
    HttpResponse<byte[]> response = postJson("{\"vector\":[1,0,0,0.2],\"k\":2}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ids(json(response))).containsExactly(RED.id(), ORANGE.id());

    assertThat(ids(json(postJson("{\"vector\":[1,0,0,0.2],\"source\":\"cam-2\"}"))))
        .containsExactly(BLUE.id(), GREEN.id());
    assertThat(
            ids(
                json(
                    postJson(
                        "{\"vector\":[1,0,0,0.2],\"source\":[\"cam-1\"],\"tags\":[\"night\"],"
                            + "\"from\":\"2024-01-15T00:00:00Z\",\"to\":\"2024-12-31T00:00:00Z\",\"minScore\":0.5}"))))
        .containsExactly(ORANGE.id());
  }

  @Test
  void vectorSearchErrors() throws Exception {
    HttpResponse<byte[]> wrongDimension = postJson("{\"vector\":[1,0,0]}");
    assertError(wrongDimension, 400, "wrong-dimension");
    assertThat(message(wrongDimension)).contains("4 components, got 3");
    assertError(postJson("{\"vector\":[0,0,0,0]}"), 400, "invalid-parameter");
    assertError(postJson("{\"k\":3}"), 400, "invalid-parameter");
    assertError(postJson("{\"vector\":[1,0,0,0],\"k\":1001}"), 400, "invalid-parameter");
    assertError(postJson("{\"vector\":[1,0,0,0],\"from\":\"soon\"}"), 400, "invalid-parameter");
    assertError(postJson("{\"vector\":[1,0,0,0],\"topK\":5}"), 400, "invalid-json");
    assertError(postJson("{\"vector\":[1,0,"), 400, "invalid-json");
    assertError(postJson("{\"vector\":\"abc\"}"), 400, "invalid-json");
    assertError(postJson("null"), 400, "invalid-parameter");
    assertError(post("/v1/search/vector", "application/json", new byte[0]), 400, "missing-body");
    assertError(
        post("/v1/search/vector", "text/plain", "{}".getBytes()), 415, "unsupported-media-type");
    assertError(
        post("/v1/search/vector", "application/json", new byte[MAX_BODY + 1]),
        413,
        "payload-too-large");
  }

  // ---- content ----

  @Test
  void contentProxiesTheStoredBytes() throws Exception {
    HttpResponse<byte[]> response = get("/v1/images/" + RED.id() + "/content");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.body()).isEqualTo(RED.png());
  }

  @Test
  void contentNeverServesActiveTypesAsSuch() throws Exception {
    for (TestImages.Entry entry : List.of(ORANGE, GREEN)) {
      HttpResponse<byte[]> response = get("/v1/images/" + entry.id() + "/content");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/octet-stream");
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(csp -> assertThat(csp).contains("sandbox"));
    }
  }

  @Test
  void contentErrors() throws Exception {
    assertError(get("/v1/images/" + BLUE.id() + "/content"), 404, "content-not-found");
    assertError(
        get("/v1/images/" + ImageIds.of("photos", "nope") + "/content"), 404, "image-not-found");
    assertError(get("/v1/images/" + PURPLE.id() + "/content"), 503, "store-unavailable");
  }

  @Test
  void contentIs404WithoutAContentSource() throws Exception {
    try (QueryService plain =
        QueryService.builder(new TestImageEmbedder(EMBEDDER_MAX_BYTES), STORE).build()) {
      Javalin app =
          QueryApi.create(
                  plain,
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  QueryApiOptions.defaults().withAnonymousAccess())
              .start("127.0.0.1", 0);
      try {
        URI uri =
            URI.create("http://127.0.0.1:" + app.port() + "/v1/images/" + RED.id() + "/content");
        HttpResponse<byte[]> response =
            HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofByteArray());
        assertError(response, 404, "content-not-found");
      } finally {
        app.stop();
      }
    }
  }

  // ---- paging ----

  @Test
  void offsetPagesThroughTheRanking() throws Exception {
    JsonNode first = json(post("/v1/search?k=2", "image/png", RED.png()));
    JsonNode second = json(post("/v1/search?k=2&offset=2", "image/png", RED.png()));
    JsonNode last = json(post("/v1/search?k=2&offset=4", "image/png", RED.png()));

    assertThat(ids(first)).containsExactly(RED.id(), ORANGE.id());
    assertThat(first.get("offset").asInt()).isZero();
    assertThat(first.get("nextOffset").asInt()).isEqualTo(2);
    assertThat(ids(second)).containsExactly(PURPLE.id(), BLUE.id());
    assertThat(ids(last)).containsExactly(GREEN.id());
    assertThat(last.get("nextOffset").isNull()).isTrue();
    assertThat(ids(json(get("/v1/images/" + RED.id() + "/similar?k=1&offset=1"))))
        .containsExactly(PURPLE.id());
    assertThat(ids(json(postJson("{\"vector\":[1,0,0,0.2],\"k\":1,\"offset\":1}"))))
        .containsExactly(ORANGE.id());
    for (String bad : List.of("offset=-1", "offset=x", "offset=9999&k=2", "offset=1&offset=2")) {
      assertError(post("/v1/search?" + bad, "image/png", RED.png()), 400, "invalid-parameter");
    }
    assertError(postJson("{\"vector\":[1,0,0,0],\"offset\":-3}"), 400, "invalid-parameter");
  }

  // ---- image metadata ----

  @Test
  void imageMetadataWithPresignedUrl() throws Exception {
    HttpResponse<byte[]> response = get("/v1/images/" + BLUE.id());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("id").asText()).isEqualTo(BLUE.id());
    assertThat(body.get("bucket").asText()).isEqualTo(TestImages.BUCKET);
    assertThat(body.get("key").asText()).isEqualTo("blue.png");
    assertThat(body.get("source").asText()).isEqualTo("cam-2");
    assertThat(body.get("capturedAt").asText()).isEqualTo("2024-04-01T00:00:00Z");
    assertThat(body.get("tags")).containsExactly(JSON.getNodeFactory().textNode("night"));
    assertThat(body.get("model").asText()).isEqualTo(TestImageEmbedder.MODEL_ID);
    assertThat(body.get("url").asText())
        .isEqualTo("https://s3.test/images/blue.png?X-Amz-Expires=900");
    java.time.Instant expires = java.time.Instant.parse(body.get("urlExpiresAt").asText());
    assertThat(expires)
        .isBetween(
            java.time.Instant.now().plusSeconds(890), java.time.Instant.now().plusSeconds(901));
    assertThat(body.has("vector")).isFalse();
  }

  @Test
  void imageMetadataFallsBackToTheContentPath() throws Exception {
    JsonNode body = json(get("/v1/images/" + RED.id()));

    assertThat(body.get("url").asText()).isEqualTo("/v1/images/" + RED.id() + "/content");
    assertThat(body.has("urlExpiresAt")).isFalse();
  }

  @Test
  void searchResultsCarryDownloadUrls() throws Exception {
    JsonNode body = json(post("/v1/search?source=cam-2", "image/png", BLUE.png()));

    assertThat(body.get("results").get(0).get("url").asText())
        .startsWith("https://s3.test/images/blue.png");
    assertThat(body.get("results").get(1).get("url").asText())
        .isEqualTo("/v1/images/" + GREEN.id() + "/content");
  }

  @Test
  void imageMetadataErrors() throws Exception {
    assertError(
        get("/v1/images/" + ImageIds.of(TestImages.BUCKET, "missing.png")), 404, "image-not-found");
    assertError(get("/v1/images/NOT-AN-ID"), 400, "invalid-parameter");
    assertError(get("/v1/images/" + PURPLE.id()), 503, "store-unavailable");
    STORE.failWith(new IllegalStateException("down"));
    assertError(get("/v1/images/" + RED.id()), 503, "store-unavailable");
  }

  // ---- freshness ----

  @Test
  void statsReportCountAndNewestCaptureTime() throws Exception {
    HttpResponse<byte[]> response = get("/v1/stats");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("count").asLong()).isEqualTo(5);
    assertThat(body.get("newestCapturedAt").asText()).isEqualTo("2024-04-01T00:00:00Z");
    assertThat(body.get("model").asText()).isEqualTo(TestImageEmbedder.MODEL_ID);
    STORE.failWith(new IllegalStateException("down"));
    assertError(get("/v1/stats"), 503, "store-unavailable");
  }

  // ---- live view and timeline ----

  @Test
  void listingIsNewestFirstWithFiltersAndUrls() throws Exception {
    JsonNode all = json(get("/v1/images?order=newest"));
    assertThat(all.get("images").findValuesAsText("id"))
        .containsExactly(BLUE.id(), GREEN.id(), PURPLE.id(), ORANGE.id(), RED.id());
    assertThat(all.get("complete").asBoolean()).isTrue();
    JsonNode first = all.get("images").get(0);
    assertThat(first.get("capturedAt").asText()).isEqualTo("2024-04-01T00:00:00Z");
    assertThat(first.get("source").asText()).isEqualTo("cam-2");
    assertThat(first.get("url").asText()).startsWith("https://s3.test/");
    assertThat(first.has("score")).isFalse();

    JsonNode filtered = json(get("/v1/images?source=cam-1,cam-3&to=2024-02-15T00:00:00Z&limit=1"));
    assertThat(filtered.get("images").findValuesAsText("id")).containsExactly(ORANGE.id());
    assertThat(json(get("/v1/images?tags=night")).get("images").findValuesAsText("id"))
        .containsExactly(BLUE.id(), ORANGE.id());
  }

  @Test
  void listingAndTimelineRejectBadParametersWithJson400() throws Exception {
    for (String query :
        List.of(
            "limit=0",
            "limit=501",
            "limit=x",
            "limit=1&limit=2",
            "order=oldest",
            "from=yesterday",
            "source=a%27b",
            "from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z")) {
      assertError(get("/v1/images?" + query), 400, "invalid-parameter");
    }
    for (String query :
        List.of(
            "interval=0",
            "interval=86401",
            "interval=x",
            "to=2024-01-01T00:00:00Z&from=2023-01-01T00:00:00Z",
            "source=%22%20or%201%3D1",
            "from=2999-01-01T00:00:00Z")) {
      assertError(get("/v1/timeline?" + query), 400, "invalid-parameter");
    }
    for (String payload : InjectionPayloads.STRINGS) {
      if (payload.isBlank()) {
        continue;
      }
      String q = java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8);
      for (String param : List.of("source", "tags", "from", "to")) {
        assertThat(get("/v1/images?" + param + "=" + q).statusCode())
            .as(param + "=" + payload)
            .isEqualTo(400);
        assertThat(get("/v1/timeline?" + param + "=" + q).statusCode())
            .as(param + "=" + payload)
            .isEqualTo(400);
      }
      assertThat(get("/v1/images?limit=" + q).statusCode()).isEqualTo(400);
      assertThat(get("/v1/timeline?interval=" + q).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void timelineCountsPerInterval() throws Exception {
    // 30-day intervals over Jan..Apr 2024: red (Jan 1) | orange (Feb 1) | purple (Feb 15) | green
    // (Mar 1) | blue (Apr 1)
    JsonNode body =
        json(get("/v1/timeline?from=2024-01-01T00:00:00Z&to=2024-04-30T00:00:00Z&interval=86400"));
    assertThat(body.get("intervalSeconds").asLong()).isEqualTo(86400);
    assertThat(body.get("from").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(body.get("counts")).hasSize(120);
    assertThat(body.get("counts").get(0).asLong()).isEqualTo(1); // red
    assertThat(body.get("counts").get(31).asLong()).isEqualTo(1); // orange, Feb 1
    assertThat(body.get("counts").get(91).asLong()).isEqualTo(1); // blue, Apr 1
    assertThat(body.get("total").asLong()).isEqualTo(5);
    assertThat(body.get("complete").asBoolean()).isTrue();

    JsonNode cam2 =
        json(
            get(
                "/v1/timeline?source=cam-2&from=2024-01-01T00:00:00Z&to=2024-04-30T00:00:00Z&interval=86400"));
    assertThat(cam2.get("total").asLong()).isEqualTo(2);

    JsonNode now = json(get("/v1/timeline"));
    assertThat(now.get("counts")).hasSize(ListingParams.DEFAULT_INTERVALS);
    assertThat(now.get("total").asLong()).isZero();
  }

  @Test
  void listingAndTimelineAnswer503WhenTheStoreFails() throws Exception {
    STORE.failWith(new IllegalStateException("down"));
    assertError(get("/v1/images"), 503, "store-unavailable");
    assertError(get("/v1/timeline"), 503, "store-unavailable");
  }

  // ---- filter safety ----

  /**
   * {@code expected} from the searches that take {@code query} as query parameters: by image, by
   * stored image ({@code ids} but the first) and by near-duplicates; returns how many it checked.
   */
  private int expectFromEverySearchByQuery(Outcome expected, String query, List<String> ids)
      throws Exception {
    expect(expected, post("/v1/search?" + query, "image/png", RED.png()), ids);
    expect(expected, get("/v1/images/" + RED.id() + "/similar?" + query), ids.subList(1, 5));
    // the catalogue has no perceptual hashes: an accepted duplicate search finds nothing
    expect(expected, post("/v1/search/duplicates?" + query, "image/png", RED.png()), List.of());
    return 3;
  }

  @Test
  void injectionPayloadsAreRejectedAtEveryFilterParameter() throws Exception {
    List<String> ids = List.of(RED.id(), ORANGE.id(), PURPLE.id(), BLUE.id(), GREEN.id());
    int checked = 0;
    for (String payload : InjectionPayloads.STRINGS) {
      String q = java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8);
      // a payload of only whitespace is stripped to "no restriction": harmless, the full ranking
      // comes back
      Outcome expected = payload.isBlank() ? Outcome.UNRESTRICTED : Outcome.REJECTED;
      for (String param : List.of("source", "tags")) {
        checked += expectFromEverySearchByQuery(expected, param + "=" + q, ids);
        expect(
            Outcome.REJECTED,
            post(
                "/v1/search?" + param + "=cam-1,x&" + param + "=x" + q + "x",
                "image/png",
                RED.png()),
            ids);
        String json =
            JSON.writeValueAsString(
                Map.of("vector", List.of(1, 0, 0, 0.2), param, List.of(payload)));
        expect(expected, postJson(json), ids);
        checked += 2;
      }
      for (String param : List.of("from", "to", "k", "offset", "minScore")) {
        checked += expectFromEverySearchByQuery(expected, param + "=" + q, ids);
      }
      expect(
          expected,
          post("/v1/search/duplicates?maxDistance=" + q, "image/png", RED.png()),
          List.of());
      checked++;
      for (String field : List.of("from", "to")) {
        expect(
            expected,
            postJson(
                JSON.writeValueAsString(Map.of("vector", List.of(1, 0, 0, 0.2), field, payload))),
            ids);
        checked++;
      }
      for (String field : List.of("k", "offset", "minScore")) {
        // a string where a number belongs: refused, except blank which Jackson reads as "absent"
        HttpResponse<byte[]> r =
            postJson(
                JSON.writeValueAsString(Map.of("vector", List.of(1, 0, 0, 0.2), field, payload)));
        assertThat(r.statusCode())
            .as(field + "=" + payload)
            .isEqualTo(payload.isBlank() ? 200 : 400);
        checked++;
      }
      // the id is a path parameter: hostile ids are 400 or an unmatched route (404), never a search
      HttpResponse<byte[]> byId = get("/v1/images/" + q + "/similar");
      assertThat(byId.statusCode()).as(payload).isIn(400, 404);
    }
    assertThat(checked).isGreaterThan(400);
    // and the filters still work for honest values afterwards
    assertThat(ids(json(post("/v1/search", "image/png", RED.png()))))
        .containsExactlyElementsOf(ids);
  }

  private enum Outcome {
    REJECTED,
    UNRESTRICTED
  }

  private static void expect(
      Outcome outcome, HttpResponse<byte[]> response, List<String> unrestrictedIds)
      throws IOException {
    if (outcome == Outcome.REJECTED) {
      assertError(response, 400, "invalid-parameter");
    } else {
      assertThat(response.statusCode())
          .as(new String(response.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      assertThat(ids(json(response))).containsExactlyElementsOf(unrestrictedIds);
    }
  }

  // ---- auth ----

  @Test
  void apiKeysGuardV1ButNotProbesOrThePage() throws Exception {
    String key = "test-key-0123456789abcdef";
    QueryApiOptions options = QueryApiOptions.defaults().withApiKeys(ApiKeys.of(List.of(key)));
    QueryApi secured = TestApis.start(service, options);
    try {
      String root = "http://127.0.0.1:" + secured.port();
      HttpResponse<byte[]> missing =
          send(HttpRequest.newBuilder(URI.create(root + "/v1/images/" + RED.id() + "/similar")));
      assertError(missing, 401, "unauthorized");
      assertThat(missing.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).contains(ApiKeys.HEADER));
      HttpResponse<byte[]> wrong =
          send(
              HttpRequest.newBuilder(URI.create(root + "/v1/stats"))
                  .header(ApiKeys.HEADER, "wrong-key-0123456789abcdef"));
      assertError(wrong, 403, "forbidden");
      HttpResponse<byte[]> upload = send(TestApis.postPng(root + "/v1/search", RED.png()));
      assertError(upload, 401, "unauthorized");
      HttpResponse<byte[]> ok =
          send(TestApis.postPng(root + "/v1/search?k=1", RED.png()).header(ApiKeys.HEADER, key));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ids(json(ok))).containsExactly(RED.id());
      // refused requests are still counted under their route
      String metrics = "";
      for (int i = 0; i < 50 && !metrics.contains("route=\"/v1/stats\",status=\"403\""); i++) {
        Thread.sleep(20);
        metrics =
            new String(
                send(HttpRequest.newBuilder(URI.create(root + "/metrics"))).body(),
                StandardCharsets.UTF_8);
      }
      assertThat(metrics).contains("route=\"/v1/stats\",status=\"403\"");
      for (String open : List.of("/healthz", "/readyz", "/metrics", "/openapi.json", "/")) {
        assertThat(send(HttpRequest.newBuilder(URI.create(root + open))).statusCode())
            .as(open)
            .isEqualTo(200);
      }
    } finally {
      secured.stop();
    }
  }

  @Test
  void openApiDocumentIsServed() throws Exception {
    HttpResponse<byte[]> response = get("/openapi.json");

    assertOk(response, "application/json");
    assertThat(json(response).get("paths").has("/v1/images/{id}")).isTrue();
  }

  // ---- health, readiness, metrics, page, routing ----

  @Test
  void healthz() throws Exception {
    HttpResponse<byte[]> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response)).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));
  }

  @Test
  void readyzReportsTheStore() throws Exception {
    HttpResponse<byte[]> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("status").asText()).isEqualTo("UP");
    assertThat(json(ready).get("count").asLong()).isEqualTo(5);
    assertThat(json(ready).get("model").asText()).isEqualTo(TestImageEmbedder.MODEL_ID);

    STORE.failWith(new IllegalStateException("down"));
    assertError(get("/readyz"), 503, "store-unavailable");
  }

  @Test
  void readyzTimesOutOnAHungStore() throws Exception {
    STORE.slowCount(Duration.ofSeconds(10));
    long start = System.nanoTime();

    HttpResponse<byte[]> response = get("/readyz");

    assertError(response, 503, "store-unavailable");
    assertThat(message(response)).contains("300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void metricsExposeRequestsAndSearches() throws Exception {
    post("/v1/search", "image/png", RED.png());
    get("/no/such/route");

    String text = awaitMetrics("route=\"/v1/search\",status=\"200\"");
    HttpResponse<byte[]> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(text)
        .contains(
            "http_server_requests_seconds_count{method=\"POST\",route=\"/v1/search\",status=\"200\"}")
        .contains(
            "http_server_requests_seconds_bucket{method=\"POST\",route=\"/v1/search\",status=\"200\",le=\"0.005\"}")
        .contains("imgsearch_search_latency_seconds_bucket{kind=\"image\"")
        .contains("imgsearch_search_results_count{kind=\"image\"}")
        .doesNotContain("/no/such/route");
    assertThat(awaitMetrics("route=\"UNMATCHED\",status=\"404\"")).isNotEmpty();
  }

  @Test
  void indexPageIsSelfContained() throws Exception {
    HttpResponse<byte[]> response = get("/");

    assertOk(response, "text/html");
    String html = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(html)
        .contains("<form", "/v1/search", "/content")
        .doesNotContain("http://", "https://");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() throws Exception {
    assertError(get("/v2/nothing"), 404, "not-found");
    assertError(get("/v1/search"), 405, "method-not-allowed");
  }

  // ---- helpers ----

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder builder)
      throws IOException, InterruptedException {
    return HTTP.send(builder.build(), BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  private static HttpResponse<byte[]> post(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    return send(TestApis.withBody(request(path), contentType, body));
  }

  private static HttpResponse<byte[]> postJson(String body)
      throws IOException, InterruptedException {
    return post("/v1/search/vector", "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> postMultipart(String path, String field, byte[] file)
      throws IOException, InterruptedException {
    return post(path, MULTIPART, multipartBody(field, "q.png", "image/png", file));
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private static String message(HttpResponse<byte[]> response) throws IOException {
    return json(response).get("error").get("message").asText();
  }

  private static List<Float> scores(JsonNode body) {
    List<Float> scores = new ArrayList<>();
    body.get("results").forEach(r -> scores.add(r.get("score").floatValue()));
    return scores;
  }

  /**
   * Scrapes until the text contains {@code needle}: request timers are recorded after the response
   * is sent.
   */
  private static String awaitMetrics(String needle) throws Exception {
    String text = "";
    for (int i = 0; i < 50 && !text.contains(needle); i++) {
      text = new String(get("/metrics").body(), StandardCharsets.UTF_8);
      if (!text.contains(needle)) {
        Thread.sleep(50);
      }
    }
    assertThat(text).contains(needle);
    return text;
  }

  /** A 64x64 PNG of random pixels: large enough that cutting it in half cuts the pixel data. */
  private static byte[] noisePng() throws IOException {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
