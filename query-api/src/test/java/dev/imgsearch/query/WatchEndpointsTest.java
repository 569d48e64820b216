package dev.imgsearch.query;

import static dev.imgsearch.query.ApiResponses.jsonRequest;
import static dev.imgsearch.query.ApiResponses.openAlertStream;
import static dev.imgsearch.query.TestImages.BLUE;
import static dev.imgsearch.query.TestImages.RED;
import static dev.imgsearch.query.watch.WatchRecords.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.query.ApiResponses.EventStream;
import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WatchLog;
import dev.imgsearch.query.watch.WatchView;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.query.watch.WatchesUnavailableException;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.Watch;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch routes over real HTTP with the test store and model; the watches topic is replaced by a
 * recording {@link WatchLog} (WatchesApiIT runs them on a real broker).
 */
class WatchEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final TestVectorStore STORE = new TestVectorStore(TestImageEmbedder.DIMENSION);
  private static final String HASHED_ID = ImageIds.of(TestImages.BUCKET, "hashed.png");

  /** What was written to the "topic"; value null = tombstone. */
  private static final List<String> WRITES = new ArrayList<>();

  private static volatile boolean kafkaDown;
  private static WatchView view;
  private static AlertFeed feed;
  private static QueryService service;
  private static QueryApi api;
  private static QueryApi off;
  private static String base;

  @BeforeAll
  static void start() {
    STORE.upsert(TestImages.records());
    STORE.upsert(
        List.of(
            new VectorRecord(
                    HASHED_ID,
                    new float[] {1, 0, 0, 0},
                    TestImages.BUCKET,
                    "hashed.png",
                    "cam",
                    1_000L,
                    List.of(),
                    TestImageEmbedder.MODEL_ID)
                .withPhash(0xabcdL)));
    service = QueryService.builder(new TestImageEmbedder(32 * 1024), STORE).build();
    view = new WatchView();
    feed = AlertFeed.defaults();
    feed.markCaughtUp();
    WatchLog log =
        new WatchLog() {
          @Override
          public void put(Watch watch) {
            write(watch.getId() + "=" + watch.getThreshold());
          }

          @Override
          public void delete(String id) {
            write(id + "=null");
          }

          private void write(String s) {
            if (kafkaDown) {
              throw new WatchesUnavailableException(
                  WatchesUnavailableException.KAFKA, "broker down", null);
            }
            synchronized (WRITES) {
              WRITES.add(s);
            }
          }
        };
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withAnonymousAccess()
            .withReadinessTimeout(Duration.ofSeconds(2));
    api = TestApis.start(service, options, new Watches(log, view, feed));
    off = TestApis.start(service, options);
    base = TestApis.base(api);
  }

  @AfterAll
  static void stop() {
    api.stop();
    off.stop();
    service.close();
  }

  @BeforeEach
  void reset() {
    view.markReady();
    kafkaDown = false;
    for (Watch w : view.list()) {
      view.apply(w.getId(), null);
    }
    synchronized (WRITES) {
      WRITES.clear();
    }
  }

  @Test
  void createFromVectorThenReadUpdateAndDelete() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/v1/watches",
            "{\"id\":\"door\",\"name\":\"front door\",\"threshold\":0.8,\"vector\":[3,4,0,0],\"cooldown\":\"PT30S\","
                + "\"sources\":[\"cam-1\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/v1/watches/door");
    JsonNode w = JSON.readTree(created.body());
    assertThat(w.get("target").asText()).isEqualTo("FRAMES");
    assertThat(w.get("model").asText()).isEqualTo(TestImageEmbedder.MODEL_ID);
    assertThat(w.get("dimension").asInt()).isEqualTo(4);
    assertThat(w.get("cooldown").asText()).isEqualTo("PT30S");
    assertThat(w.get("sources").get(0).asText()).isEqualTo("cam-1");
    assertThat(WRITES).containsExactly("door=0.8");

    JsonNode list = JSON.readTree(send("GET", "/v1/watches", null).body());
    assertThat(list.get("count").asInt()).isEqualTo(1);
    assertThat(list.get("watches").get(0).get("name").asText()).isEqualTo("front door");

    HttpResponse<String> updated =
        send("PUT", "/v1/watches/door", "{\"threshold\":0.9,\"enabled\":false}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    JsonNode u = JSON.readTree(updated.body());
    assertThat(u.get("threshold").asDouble()).isEqualTo(0.9);
    assertThat(u.get("enabled").asBoolean()).isFalse();
    assertThat(u.get("dimension").asInt()).isEqualTo(4); // the query stays
    assertThat(u.get("name").asText()).isEqualTo("front door");

    assertThat(send("DELETE", "/v1/watches/door", null).statusCode()).isEqualTo(204);
    HttpResponse<String> gone = send("GET", "/v1/watches/door", null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("watch-not-found");
    assertThat(WRITES).containsExactly("door=0.8", "door=0.9", "door=null");
  }

  @Test
  void createFromStoredImageTakesItsVectorAndHash() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/v1/watches",
            "{\"imageId\":\"" + HASHED_ID + "\",\"target\":\"near_duplicates\",\"threshold\":6}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode w = JSON.readTree(r.body());
    assertThat(w.get("target").asText()).isEqualTo("NEAR_DUPLICATES");
    assertThat(w.get("phash").asText()).isEqualTo("000000000000abcd");
    assertThat(w.get("id").asText()).hasSize(36); // generated
    assertThat(w.get("cooldown").asText()).isEqualTo("PT1M");

    HttpResponse<String> unknown =
        send(
            "POST",
            "/v1/watches",
            "{\"imageId\":\"" + "0".repeat(ImageIds.LENGTH) + "\",\"threshold\":0.5}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("image-not-found");
  }

  @Test
  void createFromUploadedImageEmbedsIt() throws Exception {
    HttpRequest req =
        TestApis.postPng(base + "/v1/watches?threshold=0.95&name=red&source=cam-2", RED.png())
            .build();
    HttpResponse<String> r = HTTP.send(req, BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode w = JSON.readTree(r.body());
    assertThat(w.get("name").asText()).isEqualTo("red");
    assertThat(w.get("dimension").asInt()).isEqualTo(TestImageEmbedder.DIMENSION);
    assertThat(w.has("phash")).isTrue();
    List<Float> stored = view.get(w.get("id").asText()).orElseThrow().getVector();
    float[] expected = TestImageEmbedder.vectorOf(RED.red(), RED.green(), RED.blue());
    assertThat(stored.get(0)).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(0.02f));

    HttpRequest bad =
        TestApis.postPng(base + "/v1/watches?threshold=0.9&colour=red", BLUE.png()).build();
    HttpResponse<String> b = HTTP.send(bad, BodyHandlers.ofString());
    assertThat(b.statusCode()).isEqualTo(400);
    assertThat(b.body()).contains("colour");
  }

  @Test
  void badWatchesAreRejectedWithAReasonAndNothingIsWritten() throws Exception {
    assertRejected("{\"threshold\":1.5,\"vector\":[1,0,0,0]}", "cosine similarity");
    assertRejected("{\"threshold\":0.5}", "needs a query");
    assertRejected("{\"vector\":[1,0,0,0]}", "threshold");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0]}", "dimensions");
    assertRejected("{\"threshold\":0.5,\"vector\":[0,0,0,0]}", "all zeros");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0,0],\"hoursOfDay\":[25]}", "hoursOfDay");
    assertRejected(
        "{\"threshold\":0.5,\"vector\":[1,0,0,0],\"timeZone\":\"Mars/Base\"}", "time zone");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0,0],\"cooldown\":\"30s\"}", "ISO-8601");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0,0],\"target\":\"cars\"}", "target");
    assertRejected("{\"threshold\":0.5,\"phash\":\"xyz\"}", "hex");
    assertRejected("{\"threshold\":0.5,\"phash\":\"ab\",\"vector\":[1,0,0,0]}", "not several");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0,0],\"id\":\"a b\"}", "watch id");
    assertRejected("{\"threshold\":0.5,\"vector\":[1,0,0,0],\"colour\":1}", "colour");
    assertRejected("[1,2", "JSON");
    assertRejected( // webhooks off: no allowed host
        "{\"threshold\":0.5,\"vector\":[1,0,0,0],\"webhook\":\"https://hooks.example.com/a\"}",
        "webhooks.allowed-hosts");
    assertThat(WRITES).isEmpty();
    assertThat(view.size()).isZero();

    send("POST", "/v1/watches", "{\"id\":\"w\",\"threshold\":3,\"phash\":\"ff\"}");
    assertRejected("{\"id\":\"w\",\"threshold\":3,\"phash\":\"ff\"}", "exists");
    HttpResponse<String> put = send("PUT", "/v1/watches/w", "{\"threshold\":65}");
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(put.body()).contains("Hamming");
    assertThat(view.get("w").orElseThrow().getThreshold()).isEqualTo(3.0);
    assertThat(send("PUT", "/v1/watches/nope", "{\"threshold\":1}").statusCode()).isEqualTo(404);
  }

  @Test
  void kafkaDownIs503AndTheViewIsUnchanged() throws Exception {
    kafkaDown = true;
    HttpResponse<String> r =
        send("POST", "/v1/watches", "{\"threshold\":0.5,\"vector\":[1,0,0,0]}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains(WatchesUnavailableException.KAFKA);
    assertThat(view.size()).isZero();
  }

  @Test
  void notReadyAndNotConfiguredAre503() throws Exception {
    HttpResponse<String> disabled = getUrl("http://127.0.0.1:" + off.port() + "/v1/watches");
    assertThat(disabled.statusCode()).isEqualTo(503);
    assertThat(disabled.body())
        .contains(WatchesUnavailableException.DISABLED)
        .contains("kafka.bootstrap-servers");

    WatchView cold = new WatchView();
    AlertFeed rebuilding = AlertFeed.defaults();
    QueryApi starting =
        TestApis.start(
            service,
            QueryApiOptions.defaults().withAnonymousAccess(),
            new Watches(NO_LOG, cold, rebuilding));
    try {
      String b = "http://127.0.0.1:" + starting.port();
      HttpResponse<String> list = getUrl(b + "/v1/watches");
      assertThat(list.statusCode()).isEqualTo(503);
      assertThat(list.body()).contains(WatchesUnavailableException.NOT_READY);
      assertThat(getUrl(b + "/readyz").statusCode()).isEqualTo(503);
      cold.markReady();
      assertThat(getUrl(b + "/v1/watches").statusCode()).isEqualTo(200);
      assertThat(getUrl(b + "/readyz").statusCode()).isEqualTo(200);

      // the alert history answers once it has been rebuilt from the topic; readiness does not wait
      cold.apply("w", dev.imgsearch.query.watch.WatchRecords.nearDuplicates("w"));
      HttpResponse<String> history = getUrl(b + "/v1/watches/w/alerts");
      assertThat(history.statusCode()).isEqualTo(503);
      assertThat(history.body()).contains(WatchesUnavailableException.ALERTS_NOT_READY);
      rebuilding.markCaughtUp();
      assertThat(getUrl(b + "/v1/watches/w/alerts").statusCode()).isEqualTo(200);
    } finally {
      starting.stop();
    }
  }

  @Test
  void watchRoutesAndTheStreamNeedTheApiKey() throws Exception {
    String key = "k-0123456789abcdef";
    QueryApi keyed =
        TestApis.start(
            service,
            QueryApiOptions.defaults().withApiKeys(ApiKeys.of(List.of(key))),
            new Watches(NO_LOG, view, feed));
    try {
      String b = "http://127.0.0.1:" + keyed.port();
      for (String path :
          List.of("/v1/watches", "/v1/watches/x", "/v1/watches/x/alerts", "/v1/alerts/stream")) {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(b + path))
                    .header("Accept", "text/event-stream")
                    .build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(401);
      }
      HttpResponse<String> ok =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(b + "/v1/watches"))
                  .header(ApiKeys.HEADER, key)
                  .build(),
              BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    } finally {
      keyed.stop();
    }
  }

  @Test
  void alertsReachTheHistoryAndTheStreamOfTheirWatch() throws Exception {
    send("POST", "/v1/watches", "{\"id\":\"a\",\"threshold\":0.5,\"vector\":[1,0,0,0]}");
    send("POST", "/v1/watches", "{\"id\":\"b\",\"threshold\":0.5,\"vector\":[1,0,0,0]}");
    assertThat(send("GET", "/v1/alerts/stream", null).statusCode())
        .isEqualTo(400); // not an event-stream client
    EventStream stream = openAlertStream(HTTP, base + "/v1/alerts/stream?watch=a");
    BufferedReader lines = stream.lines();
    awaitSubscribers(1);

    feed.publish(alert("x1", "b"));
    feed.publish(alert("x2", "a"));
    feed.publish(alert("x2", "a")); // a replayed duplicate
    feed.publish(alert("x3", "a"));
    CompletableFuture<List<String>> events =
        CompletableFuture.supplyAsync(() -> readEvents(lines, 2));
    List<String> got = events.get(10, TimeUnit.SECONDS);
    assertThat(got).hasSize(2);
    assertThat(got.get(0))
        .contains("id: x2")
        .contains("\"watchId\":\"a\"")
        .contains("\"score\":0.9");
    assertThat(got.get(1)).contains("id: x3");
    stream.close();

    feed.countUndecodable(); // as KafkaWatches counts a record that is not an alert
    String metrics = send("GET", "/metrics", null).body();
    assertThat(metrics)
        .contains("imgsearch_alerts_received_total 3.0")
        .contains("imgsearch_alerts_undecodable_total 1.0")
        .contains("imgsearch_watches 2.0")
        .contains("imgsearch_watches_ready 1.0");

    JsonNode history = JSON.readTree(send("GET", "/v1/watches/a/alerts?limit=10", null).body());
    assertThat(history.get("alerts")).hasSize(2);
    assertThat(history.get("alerts").get(0).get("alertId").asText())
        .isEqualTo("x3"); // newest first
    assertThat(send("GET", "/v1/watches/a/alerts?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/v1/watches/zzz/alerts", null).statusCode()).isEqualTo(404);

    // paged: the cursor of the first page leads to the second, the last page has none
    JsonNode first = JSON.readTree(send("GET", "/v1/watches/a/alerts?limit=1", null).body());
    assertThat(first.get("alerts").findValuesAsText("alertId")).containsExactly("x3");
    String cursor = first.get("nextCursor").asText();
    feed.publish(alert("x4", "a")); // a new alert does not shift the next page
    JsonNode second =
        JSON.readTree(send("GET", "/v1/watches/a/alerts?limit=1&before=" + cursor, null).body());
    assertThat(second.get("alerts").findValuesAsText("alertId")).containsExactly("x2");
    assertThat(second.has("nextCursor")).isFalse();
    JsonNode windowed =
        JSON.readTree(
            send("GET", "/v1/watches/a/alerts?since=1970-01-01T00:00:02Z&until=2001", null).body());
    assertThat(windowed.get("alerts")).hasSize(3); // every alert here is matched at 2000 ms
    assertThat(
            JSON.readTree(send("GET", "/v1/watches/a/alerts?until=2000", null).body())
                .get("alerts"))
        .isEmpty();
    for (String bad :
        List.of(
            "before=not-a-cursor!",
            "before=" + java.util.Base64.getUrlEncoder().encodeToString("x:y".getBytes()),
            "since=yesterday",
            "since=2000&until=1000")) {
      HttpResponse<String> r = send("GET", "/v1/watches/a/alerts?" + bad, null);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).as(bad).contains(InvalidQueryException.INVALID_PARAMETER);
    }
    assertThat(send("GET", "/v1/watches/a/alerts?before=not-a-cursor!", null).body())
        .contains("nextCursor");

    // alerts per watch: distinct alerts and the newest one's time, on the watch and in the list
    JsonNode a = JSON.readTree(send("GET", "/v1/watches/a", null).body());
    assertThat(a.get("alerts").asLong()).isEqualTo(3); // x2, x3, x4; the replay not counted
    assertThat(a.get("lastAlertAt").asText()).isEqualTo("1970-01-01T00:00:02Z");
    JsonNode list = JSON.readTree(send("GET", "/v1/watches", null).body());
    for (JsonNode w : list.get("watches")) {
      assertThat(w.get("alerts").asLong())
          .as(w.toString())
          .isEqualTo(w.get("id").asText().equals("a") ? 3 : 1);
    }
    send("POST", "/v1/watches", "{\"id\":\"c\",\"threshold\":0.5,\"vector\":[1,0,0,0]}");
    JsonNode quiet = JSON.readTree(send("GET", "/v1/watches/c", null).body());
    assertThat(quiet.get("alerts").asLong()).isZero();
    assertThat(quiet.has("lastAlertAt")).isFalse();
  }

  @Test
  void previewShowsWhatAWatchWouldMatchAndTheScoreHistogramWritingNothing() throws Exception {
    String red = TestImages.RED.id();
    JsonNode all =
        JSON.readTree(
            send("POST", "/v1/watches/preview", "{\"imageId\":\"" + red + "\",\"threshold\":0.999}")
                .body());
    assertThat(all.get("target").asText()).isEqualTo("FRAMES");
    assertThat(all.get("examined").asInt()).isEqualTo(6); // every stored image
    assertThat(all.get("matches").get(0).get("imageId").asText()).isEqualTo(red);
    assertThat(all.get("matches").findValuesAsText("imageId")).doesNotContain(TestImages.BLUE.id());
    assertThat(all.get("matched").asInt()).isEqualTo(all.get("matches").size());
    int histogram = 0;
    for (JsonNode n : all.get("scoreCounts")) {
      histogram += n.asInt();
    }
    assertThat(all.get("scoreCounts")).hasSize(20);
    assertThat(histogram).isEqualTo(6);
    assertThat(all.get("scoreCounts").get(19).asInt()).isPositive(); // red itself, score 1

    JsonNode cam2 =
        JSON.readTree(
            send(
                    "POST",
                    "/v1/watches/preview?limit=50",
                    "{\"imageId\":\"" + red + "\",\"threshold\":0.999,\"sources\":[\"cam-2\"]}")
                .body());
    assertThat(cam2.get("examined").asInt()).isEqualTo(2); // blue and green
    assertThat(cam2.get("matches")).isEmpty();
    JsonNode lateHours =
        JSON.readTree(
            send(
                    "POST",
                    "/v1/watches/preview",
                    "{\"imageId\":\"" + red + "\",\"threshold\":0.5,\"hoursOfDay\":[5]}")
                .body());
    assertThat(lateHours.get("examined").asInt()).isZero(); // all captured at midnight UTC

    JsonNode copies =
        JSON.readTree(
            send("POST", "/v1/watches/preview", "{\"phash\":\"abcd\",\"threshold\":2}").body());
    assertThat(copies.get("target").asText()).isEqualTo("NEAR_DUPLICATES");
    assertThat(copies.get("matches").findValuesAsText("imageId")).containsExactly(HASHED_ID);
    assertThat(copies.get("matches").get(0).get("hammingDistance").asInt()).isZero();

    for (String bad :
        List.of(
            "{\"threshold\":0.5}",
            "{\"imageId\":\"" + red + "\",\"threshold\":0.5,\"target\":\"OBJECTS\"}",
            "{\"vector\":[1,0,0],\"model\":\"other@1\",\"threshold\":0.5}",
            "{\"imageId\":\"" + red + "\",\"threshold\":7}")) {
      HttpResponse<String> r = send("POST", "/v1/watches/preview", bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.body()).as(bad).contains("\"message\"");
    }
    assertThat(
            send("POST", "/v1/watches/preview?limit=0", "{\"phash\":\"abcd\",\"threshold\":2}")
                .statusCode())
        .isEqualTo(400);
    assertThat(view.list()).isEmpty();
    synchronized (WRITES) {
      assertThat(WRITES).isEmpty();
    }
  }

  private static List<String> readEvents(BufferedReader lines, int n) {
    List<String> events = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    try {
      String line;
      while (events.size() < n && (line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (current.indexOf("event: alert") >= 0) {
            events.add(current.toString());
          }
          current.setLength(0);
        } else {
          current.append(line).append('\n');
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return events;
  }

  private static void awaitSubscribers(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (feed.subscriberCount() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(feed.subscriberCount()).isEqualTo(n);
  }

  /** A watch log that accepts every write and keeps none. */
  private static final WatchLog NO_LOG =
      new WatchLog() {
        @Override
        public void put(Watch watch) {}

        @Override
        public void delete(String id) {}
      };

  private static HttpResponse<String> getUrl(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.ofString());
  }

  private void assertRejected(String body, String message) throws Exception {
    HttpResponse<String> r = send("POST", "/v1/watches", body);
    assertThat(r.statusCode()).as(body).isEqualTo(400);
    assertThat(r.body()).as(body).contains(message);
  }

  private static HttpResponse<String> send(String method, String path, String json)
      throws Exception {
    return HTTP.send(
        jsonRequest(method, base + path, json, Duration.ofSeconds(10)), BodyHandlers.ofString());
  }
}
