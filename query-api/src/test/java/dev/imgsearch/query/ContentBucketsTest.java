package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.ImageIds;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stored row may name any bucket; the API serves and signs only the allowed ones, whatever the
 * object store would let its credentials read.
 */
class ContentBucketsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final byte[] BYTES = TestImages.RED.png();
  private static final String ALLOWED = ImageIds.of("images", "cat.png");
  private static final String OTHER = ImageIds.of("archive", "dog.png");
  private static final String FORBIDDEN = ImageIds.of("flink", "checkpoints/_metadata");

  /** Every (bucket/key) the object store was asked to open or sign. */
  private static final List<String> TOUCHED = new CopyOnWriteArrayList<>();

  private static QueryService service;
  private static QueryApi api;
  private static String base;

  @BeforeAll
  static void start() {
    TestVectorStore store = new TestVectorStore(TestImageEmbedder.DIMENSION);
    store.upsert(
        List.of(
            row(ALLOWED, "images", "cat.png"),
            row(OTHER, "archive", "dog.png"),
            row(FORBIDDEN, "flink", "checkpoints/_metadata")));
    ImageContentSource source =
        (bucket, key) -> {
          TOUCHED.add("open " + bucket + "/" + key);
          return Optional.of(
              new ImageContentSource.Content(new ByteArrayInputStream(BYTES), "image/png", -1));
        };
    ImageUrlSigner signer =
        (bucket, key, expiry) -> {
          TOUCHED.add("sign " + bucket + "/" + key);
          return Optional.of("https://s3.test/" + bucket + "/" + key);
        };
    service =
        QueryService.builder(new TestImageEmbedder(64 * 1024), store)
            .contentSource(source)
            .urlSigner(signer)
            .storeTimeout(Duration.ofSeconds(5))
            .allowedBuckets(AllowedBuckets.parse("images,archive"))
            .build();
    api = TestApis.start(service, QueryApiOptions.defaults().withAnonymousAccess());
    base = TestApis.base(api);
  }

  @AfterAll
  static void stop() {
    api.stop();
    service.close();
  }

  private static VectorRecord row(String id, String bucket, String key) {
    return new VectorRecord(
        id,
        TestImageEmbedder.vectorOf(200, 10, 10),
        bucket,
        key,
        "cam-1",
        1_700_000_000_000L,
        List.of(),
        TestImageEmbedder.MODEL_ID);
  }

  @Test
  void contentOfAnAllowedBucketIsServedAnyOtherIs403() throws Exception {
    HttpResponse<byte[]> ok = get("/v1/images/" + ALLOWED + "/content");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(BYTES);
    assertThat(get("/v1/images/" + OTHER + "/content").statusCode()).isEqualTo(200);

    TOUCHED.clear();
    HttpResponse<byte[]> forbidden = get("/v1/images/" + FORBIDDEN + "/content");
    assertThat(forbidden.statusCode()).isEqualTo(403);
    JsonNode error = JSON.readTree(forbidden.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("content-forbidden");
    assertThat(error.get("message").asText()).contains("'flink'").contains("archive, images");
    assertThat(TOUCHED).as("the object store is never asked").isEmpty();
  }

  @Test
  void onlyAllowedBucketsGetPresignedUrls() throws Exception {
    TOUCHED.clear();
    JsonNode allowed = JSON.readTree(get("/v1/images/" + ALLOWED).body());
    assertThat(allowed.get("url").asText()).isEqualTo("https://s3.test/images/cat.png");

    JsonNode forbidden = JSON.readTree(get("/v1/images/" + FORBIDDEN).body());
    assertThat(forbidden.get("url").asText()).isEqualTo("/v1/images/" + FORBIDDEN + "/content");
    assertThat(forbidden.has("urlExpiresAt")).isFalse();

    JsonNode similar = JSON.readTree(get("/v1/images/" + ALLOWED + "/similar").body());
    List<String> urls = new ArrayList<>();
    similar
        .get("results")
        .forEach(r -> urls.add(r.get("id").asText() + " " + r.get("url").asText()));
    assertThat(urls)
        .containsExactlyInAnyOrder(
            OTHER + " https://s3.test/archive/dog.png",
            FORBIDDEN + " /v1/images/" + FORBIDDEN + "/content");
    assertThat(TOUCHED).noneMatch(t -> t.contains("flink"));
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofByteArray());
  }
}
