package dev.imgsearch.query;

import static dev.imgsearch.query.TestImages.BLUE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decode permits over real HTTP: one image in the model at a time, a second upload waits
 * briefly, then 503.
 */
class DecodeLimitTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration WAIT = Duration.ofMillis(300);

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private QueryService service;
  private QueryApi api;
  private String base;

  /** Blocks inside embed() on the first call until released, like a slow model. */
  private final class BlockingEmbedder implements ImageEmbedder {
    private final TestImageEmbedder delegate = new TestImageEmbedder(64 * 1024);

    @Override
    public String modelId() {
      return delegate.modelId();
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public float[] embed(byte[] encodedImage) throws ImageRejectedException {
      if (entered.getCount() > 0) {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.embed(encodedImage);
    }

    @Override
    public List<float[]> embedAll(List<byte[]> encodedImages) throws ImageRejectedException {
      return delegate.embedAll(encodedImages);
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void start() {
    TestVectorStore store = new TestVectorStore(TestImageEmbedder.DIMENSION);
    store.upsert(TestImages.records());
    // the hash of /v1/search/duplicates blocks on the same latch as the model, so both share the
    // permit
    PerceptualHasher hasher = bytes -> (long) new BlockingEmbedder().embed(bytes).length;
    service =
        QueryService.builder(new BlockingEmbedder(), store)
            .storeTimeout(Duration.ofSeconds(5))
            .hasher(hasher)
            .build();
    QueryApiOptions options =
        QueryApiOptions.defaults().withAnonymousAccess().withDecodeLimit(1, WAIT);
    api = TestApis.start(service, options);
    base = TestApis.base(api);
  }

  @AfterEach
  void stop() {
    release.countDown();
    api.stop();
    service.close();
  }

  @Test
  void aSecondUploadWaitsThenGets503WithRetryAfterWhileOtherRoutesAnswer() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> first =
        HTTP.sendAsync(upload("/v1/search"), BodyHandlers.ofByteArray());
    assertThat(entered.await(5, TimeUnit.SECONDS)).as("first upload reached the model").isTrue();

    long start = System.nanoTime();
    HttpResponse<byte[]> second = HTTP.send(upload("/v1/search"), BodyHandlers.ofByteArray());
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertBusy(second);
    assertThat(waited).isGreaterThanOrEqualTo(WAIT).isLessThan(Duration.ofSeconds(3));
    assertBusy(HTTP.send(upload("/v1/search/duplicates"), BodyHandlers.ofByteArray()));

    // work that decodes nothing is not limited
    assertThat(HTTP.send(get("/healthz"), BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> vector =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/search/vector"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"vector\":[1,0,0,0.2]}"))
                .build(),
            BodyHandlers.ofByteArray());
    assertThat(vector.statusCode()).isEqualTo(200);

    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> after = HTTP.send(upload("/v1/search?k=1"), BodyHandlers.ofByteArray());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(after.body()).get("results").get(0).get("id").asText())
        .isEqualTo(BLUE.id());
  }

  @Test
  void aWaitingUploadProceedsWhenThePermitFreesInTime() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> first =
        HTTP.sendAsync(upload("/v1/search"), BodyHandlers.ofByteArray());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<byte[]>> second =
        HTTP.sendAsync(upload("/v1/search"), BodyHandlers.ofByteArray());
    Thread.sleep(WAIT.toMillis() / 3);
    release.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  private static void assertBusy(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").get("code").asText()).isEqualTo("server-busy");
    assertThat(body.get("error").get("message").asText()).contains("busy");
  }

  private HttpRequest upload(String path) {
    return TestApis.postPng(base + path, BLUE.png()).build();
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET().build();
  }
}
