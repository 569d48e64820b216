package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WatchLog;
import dev.imgsearch.query.watch.WatchView;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.Watch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watch made from a stored object or face ({@code objectId}: "watch this person" on the page)
 * takes the item's vector and model, and its kind as the target; on the embedded store, which keeps
 * detected items.
 */
class WatchFromObjectTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String IMAGE = ImageIds.of(TestImages.BUCKET, "people.jpg");
  private static final List<Watch> WRITTEN = new ArrayList<>();
  private static final float[] FACE = new float[1024];

  static {
    FACE[0] = 0.6f;
    FACE[1] = 0.8f;
  }

  @TempDir static Path dir;
  private static VectorStore store;
  private static QueryService service;
  private static QueryApi api;

  @BeforeAll
  static void start() {
    store =
        VectorStores.open(
            StoreSettings.embedded(dir.toString(), "watch_items", TestImageEmbedder.DIMENSION));
    store.ensureCollection();
    store.upsert(
        List.of(
            new VectorRecord(
                    IMAGE,
                    new float[] {1, 0, 0, 0},
                    TestImages.BUCKET,
                    "people.jpg",
                    "cam-3",
                    1_000L,
                    List.of(),
                    TestImageEmbedder.MODEL_ID)
                .withPhash(0L)
                .withItems(
                    List.of(
                        new DetectedItem(
                            Kind.OBJECT,
                            0,
                            "person",
                            0,
                            0.9f,
                            new float[] {0.1f, 0.1f, 0.5f, 0.9f},
                            TestImageEmbedder.MODEL_ID,
                            new float[] {0, 1, 0, 0}),
                        new DetectedItem(
                            Kind.FACE,
                            0,
                            "face",
                            -1,
                            0.95f,
                            new float[] {0.2f, 0.1f, 0.3f, 0.25f},
                            "human-faceres@1",
                            FACE)))));
    store.flush();
    service = QueryService.builder(new TestImageEmbedder(32 * 1024), store).build();
    WatchView view = new WatchView();
    view.markReady();
    WatchLog log =
        new WatchLog() {
          @Override
          public void put(Watch watch) {
            synchronized (WRITTEN) {
              WRITTEN.add(watch);
            }
          }

          @Override
          public void delete(String id) {}
        };
    api =
        TestApis.start(
            service,
            QueryApiOptions.defaults().withAnonymousAccess(),
            new Watches(log, view, AlertFeed.defaults()));
  }

  @AfterAll
  static void stop() {
    api.stop();
    service.close();
    store.close();
  }

  @Test
  void aFaceOrObjectIdBecomesAWatchOfItsKindWithItsVectorAndModel() throws Exception {
    HttpResponse<String> face =
        post("{\"name\":\"this person\",\"objectId\":\"" + IMAGE + ".f0\",\"threshold\":0.8}");
    assertThat(face.statusCode()).as(face.body()).isEqualTo(201);
    JsonNode body = JSON.readTree(face.body());
    assertThat(body.get("target").asText()).isEqualTo("FACES");
    assertThat(body.get("model").asText()).isEqualTo("human-faceres@1");
    Watch written = last();
    assertThat(written.getVector()).hasSize(1024).startsWith(0.6f, 0.8f, 0f);

    HttpResponse<String> person =
        post(
            "{\"objectId\":\""
                + IMAGE
                + ".o0\",\"classes\":[\"person\"],\"threshold\":0.9,\"name\":\"p\"}");
    assertThat(person.statusCode()).as(person.body()).isEqualTo(201);
    assertThat(JSON.readTree(person.body()).get("target").asText()).isEqualTo("OBJECTS");
    assertThat(last().getVector()).containsExactly(0f, 1f, 0f, 0f);
    assertThat(last().getClasses()).containsExactly("person");
  }

  @Test
  void aBadOrUnknownObjectIdIsRejectedAndNothingIsWritten() throws Exception {
    int before = written();
    HttpResponse<String> bad = post("{\"objectId\":\"not-an-item\",\"threshold\":0.8}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("invalid-parameter");
    HttpResponse<String> unknown = post("{\"objectId\":\"" + IMAGE + ".o7\",\"threshold\":0.8}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("object-not-found");
    HttpResponse<String> two =
        post("{\"objectId\":\"" + IMAGE + ".o0\",\"imageId\":\"" + IMAGE + "\",\"threshold\":1}");
    assertThat(two.statusCode()).isEqualTo(400);
    assertThat(two.body()).contains("not several");
    assertThat(written()).isEqualTo(before);
  }

  @Test
  void aPreviewOfAFaceOrObjectWatchExaminesTheStoredItemsOfItsKindAndClasses() throws Exception {
    int before = written();
    HttpResponse<String> face =
        post("/v1/watches/preview", "{\"objectId\":\"" + IMAGE + ".f0\",\"threshold\":0.8}");
    assertThat(face.statusCode()).as(face.body()).isEqualTo(200);
    JsonNode faces = JSON.readTree(face.body());
    assertThat(faces.get("target").asText()).isEqualTo("FACES");
    assertThat(faces.get("examined").asInt()).isEqualTo(1);
    JsonNode match = faces.get("matches").get(0);
    assertThat(match.get("objectId").asText()).isEqualTo(IMAGE + ".f0");
    assertThat(match.get("imageId").asText()).isEqualTo(IMAGE);
    assertThat(match.get("label").asText()).isEqualTo("face");
    assertThat(match.get("box").get(2).floatValue()).isEqualTo(0.3f);
    assertThat(match.get("score").asDouble()).isGreaterThan(0.99);
    assertThat(faces.get("scoreCounts").get(19).asInt()).isEqualTo(1);

    JsonNode person =
        JSON.readTree(
            post(
                    "/v1/watches/preview",
                    "{\"objectId\":\""
                        + IMAGE
                        + ".o0\",\"classes\":[\"person\"],\"threshold\":0.9}")
                .body());
    assertThat(person.get("target").asText()).isEqualTo("OBJECTS");
    assertThat(person.get("matches").findValuesAsText("objectId")).containsExactly(IMAGE + ".o0");
    JsonNode cars =
        JSON.readTree(
            post(
                    "/v1/watches/preview",
                    "{\"objectId\":\"" + IMAGE + ".o0\",\"classes\":[\"car\"],\"threshold\":0.9}")
                .body());
    assertThat(cars.get("examined").asInt()).isZero();
    JsonNode far =
        JSON.readTree(
            post(
                    "/v1/watches/preview",
                    "{\"vector\":[1,0,0,0],\"target\":\"OBJECTS\",\"threshold\":0.5}")
                .body());
    assertThat(far.get("examined").asInt()).isEqualTo(1); // the person, orthogonal: score 0
    assertThat(far.get("matches")).isEmpty();

    HttpResponse<String> shortFace =
        post(
            "/v1/watches/preview",
            "{\"vector\":[1,0],\"model\":\"human-faceres@1\",\"target\":\"FACES\","
                + "\"threshold\":0.5}");
    assertThat(shortFace.statusCode()).isEqualTo(400);
    assertThat(shortFace.body()).contains("1024 dimensions");
    assertThat(written()).isEqualTo(before);
  }

  private static Watch last() {
    synchronized (WRITTEN) {
      return WRITTEN.get(WRITTEN.size() - 1);
    }
  }

  private static int written() {
    synchronized (WRITTEN) {
      return WRITTEN.size();
    }
  }

  private static HttpResponse<String> post(String json) throws Exception {
    return post("/v1/watches", json);
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json))
            .build(),
        BodyHandlers.ofString());
  }
}
