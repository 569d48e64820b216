package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static dev.imgsearch.query.ApiResponses.jsonRequest;
import static dev.imgsearch.query.ApiResponses.openAlertStream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.local.servers.testing.TestProducers;
import dev.imgsearch.query.ApiResponses.EventStream;
import dev.imgsearch.query.server.QueryServer;
import dev.imgsearch.query.server.QueryServerSettings;
import dev.imgsearch.query.watch.KafkaWatches;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.io.BufferedReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The watch routes through a real Kafka broker and the real server wiring ({@link QueryServer} with
 * the embedded store and the bundled model): a watch on the topic before the start is in the view,
 * a watch created over HTTP is on the topic (a second, independent view reads it), deleting it
 * tombstones it, and an alert produced to the alerts topic (after a record that is not one:
 * counted, skipped) reaches an SSE client and the watch's history; alerts already on a
 * three-partition alerts topic are the paged history of a new API instance (a restart), all of
 * them, in match-time order, once each.
 */
class WatchesApiIT extends BrokerPerClass {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String WATCHES = "it-watches";
  private static final String ALERTS = "it-alerts";

  static QueryServer server;
  static KafkaWatches independent;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    broker.createTopics(1, WATCHES, ALERTS);
    Watch before =
        Watch.newBuilder()
            .setId("pre")
            .setName("written before the start")
            .setTarget(WatchTarget.NEAR_DUPLICATES)
            .setPhash(0xf0L)
            .setThreshold(4)
            .setCreatedAtMillis(1)
            .setUpdatedAtMillis(1)
            .build();
    send(WATCHES, "pre", Topics.WATCHES.valueSerde().serializer().serialize(WATCHES, before));
    server = openServer("store", ALERTS, 1000);
    base = "http://127.0.0.1:" + server.port();
    await("ready", () -> get("/readyz").statusCode() == 200);
    // the alert history has read the (empty) alerts topic: what is produced from here on is new
    await("the alert history", () -> get("/v1/watches/pre/alerts").statusCode() == 200);
    independent =
        KafkaWatches.open(Map.of("bootstrap.servers", broker.bootstrapServers()), WATCHES, ALERTS);
  }

  @AfterAll
  static void stop() throws Exception {
    closeAll(independent, server);
  }

  @Test
  void createdWatchesLiveOnTheTopicAndDeletesTombstoneThem() throws Exception {
    JsonNode list = JSON.readTree(get("/v1/watches").body());
    assertThat(list.get("watches").findValuesAsText("id")).contains("pre");

    HttpResponse<String> created =
        request(
            "POST",
            "/v1/watches",
            "{\"id\":\"copies\",\"name\":\"copies of the logo\",\"phash\":\"00ff00ff00ff00ff\",\"threshold\":6,"
                + "\"cooldown\":\"PT30S\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(JSON.readTree(get("/v1/watches/copies").body()).get("name").asText())
        .isEqualTo("copies of the logo");
    await("the watch on the topic", () -> independent.watches().view().get("copies").isPresent());
    assertThat(independent.watches().view().get("copies").orElseThrow().getCooldownMillis())
        .isEqualTo(30_000);

    assertThat(request("POST", "/v1/watches", "{\"phash\":\"ff\",\"threshold\":65}").statusCode())
        .isEqualTo(400);

    assertThat(request("DELETE", "/v1/watches/copies", null).statusCode()).isEqualTo(204);
    assertThat(get("/v1/watches/copies").statusCode()).isEqualTo(404);
    await("the tombstone on the topic", () -> independent.watches().view().get("copies").isEmpty());
    assertThat(independent.watches().view().get("pre")).isPresent();
  }

  @Test
  void alertsOnTheTopicReachTheStreamAndTheHistory() throws Exception {
    EventStream stream = openAlertStream(HTTP, base + "/v1/alerts/stream?watch=pre");
    BufferedReader lines = stream.lines();

    Alert alert =
        Alert.newBuilder()
            .setAlertId("pre:img-1")
            .setWatchId("pre")
            .setWatchName("written before the start")
            .setImageId("img-1")
            .setBucket("images")
            .setKey("cam/1.jpg")
            .setSource("cam")
            .setScore(0.97)
            .setHammingDistance(2)
            .setCapturedAtMillis(1_000)
            .setMatchedAtMillis(2_000)
            .build();
    // a record that is not an alert first: counted and skipped, the next one still arrives
    send(ALERTS, "junk", "not an alert".getBytes(StandardCharsets.UTF_8));
    long sent = System.nanoTime();
    send(
        ALERTS,
        alert.getAlertId(),
        Topics.ALERTS.valueSerde().serializer().serialize(ALERTS, alert));
    CompletableFuture<String> event =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder b = new StringBuilder();
              try {
                for (String line; (line = lines.readLine()) != null; ) {
                  if (line.isEmpty() && b.indexOf("event: alert") >= 0) {
                    return b.toString();
                  }
                  b.append(line).append('\n');
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return b.toString();
            });
    String got = event.get(20, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    System.out.println("alert topic -> SSE client: " + ms + " ms");
    assertThat(got)
        .contains("id: pre:img-1")
        .contains("\"imageId\":\"img-1\"")
        .contains("\"hammingDistance\":2");
    stream.close();

    JsonNode history = JSON.readTree(get("/v1/watches/pre/alerts").body());
    assertThat(history.get("alerts").findValuesAsText("alertId")).containsExactly("pre:img-1");
    assertThat(get("/metrics").body()).contains("imgsearch_alerts_undecodable_total 1.0");
  }

  private static void send(String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> p =
        TestProducers.acked(broker, new StringSerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNewInstanceRebuildsThePagedHistoryFromTheAlertsTopic() throws Exception {
    String alerts = "it-alerts-restart";
    broker.createTopics(3, alerts);
    Watch watch =
        Watch.newBuilder()
            .setId("gate")
            .setName("the gate camera")
            .setTarget(WatchTarget.NEAR_DUPLICATES)
            .setPhash(0x0fL)
            .setThreshold(4)
            .setCreatedAtMillis(1)
            .setUpdatedAtMillis(1)
            .build();
    send(WATCHES, "gate", Topics.WATCHES.valueSerde().serializer().serialize(WATCHES, watch));
    java.util.List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long t = 1_700_000_000_000L + (i * 7919L % 30) * 1000; // produced out of time order
      Alert a = gateAlert("gate:img-" + i, t);
      send(alerts, a.getAlertId(), Topics.ALERTS.valueSerde().serializer().serialize(alerts, a));
      expected.add(t + "|" + a.getAlertId());
      if (i == 10) { // a replay of the job repeats an id (with a later match time): kept once
        Alert again = gateAlert("gate:img-3", t + 60_000);
        send(
            alerts,
            again.getAlertId(),
            Topics.ALERTS.valueSerde().serializer().serialize(alerts, again));
      }
    }
    expected.sort(java.util.Comparator.reverseOrder());
    java.util.List<String> expectedIds =
        expected.stream().map(e -> e.substring(e.indexOf('|') + 1)).toList();

    long opened = System.nanoTime();
    try (QueryServer restarted = openServer("store-restarted", alerts, 100)) {
      String b = "http://127.0.0.1:" + restarted.port() + "/v1/watches/gate/alerts";
      await(
          "the rebuilt history",
          () -> HTTP.send(getRequest(b), BodyHandlers.ofString()).statusCode() == 200);
      System.out.println(
          "alert history of 30 alerts rebuilt in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)
              + " ms (server start included)");

      JsonNode first = JSON.readTree(fetch(b + "?limit=12"));
      String cursor = first.get("nextCursor").asText();
      // a new alert after the first page: first on a new first page, never on the next pages
      Alert fresh = gateAlert("gate:img-new", 1_800_000_000_000L);
      send(
          alerts,
          fresh.getAlertId(),
          Topics.ALERTS.valueSerde().serializer().serialize(alerts, fresh));
      await(
          "the new alert",
          () ->
              JSON.readTree(fetch(b + "?limit=1"))
                  .get("alerts")
                  .get(0)
                  .get("alertId")
                  .asText()
                  .equals("gate:img-new"));

      java.util.List<String> walked =
          new java.util.ArrayList<>(first.get("alerts").findValuesAsText("alertId"));
      int pages = 1;
      while (cursor != null) {
        JsonNode page = JSON.readTree(fetch(b + "?limit=12&before=" + cursor));
        walked.addAll(page.get("alerts").findValuesAsText("alertId"));
        cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
        pages++;
      }
      assertThat(pages).isEqualTo(3);
      assertThat(walked).containsExactlyElementsOf(expectedIds);
      JsonNode window =
          JSON.readTree(
              fetch(b + "?since=2023-11-14T22:13:30Z&until=" + (1_700_000_000_000L + 15_000)));
      assertThat(window.get("alerts").findValuesAsText("alertId"))
          .hasSize(5) // match times 10..14 s after the first
          .isSubsetOf(expectedIds);
      assertThat(
              HTTP.send(getRequest(b + "?before=garbage!"), BodyHandlers.ofString()).statusCode())
          .isEqualTo(400);
    }
  }

  /** The real server wiring on the broker, the embedded store in {@code storeDir}, port 0. */
  private static QueryServer openServer(String storeDir, String alertsTopic, int historyPerWatch) {
    return QueryServer.open(
            QueryServerSettings.fromMap(
                Map.of(
                    "http.port",
                    "0",
                    "store.kind",
                    "embedded",
                    "store.path",
                    dir.resolve(storeDir).toString(),
                    "allow-anonymous",
                    "true",
                    "kafka.bootstrap-servers",
                    broker.bootstrapServers(),
                    "topic.watches",
                    WATCHES,
                    "topic.alerts",
                    alertsTopic,
                    "alerts.history-per-watch",
                    Integer.toString(historyPerWatch))))
        .listen();
  }

  private static Alert gateAlert(String id, long matchedAtMillis) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setWatchId("gate")
        .setWatchName("the gate camera")
        .setImageId(id.substring(5))
        .setBucket("images")
        .setKey("gate/" + id.substring(5) + ".jpg")
        .setSource("gate")
        .setScore(1.0)
        .setHammingDistance(0)
        .setCapturedAtMillis(matchedAtMillis - 100)
        .setMatchedAtMillis(matchedAtMillis)
        .build();
  }

  private static HttpRequest getRequest(String url) {
    return jsonRequest("GET", url, null, Duration.ofSeconds(20));
  }

  private static String fetch(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(getRequest(url), BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return request("GET", path, null);
  }

  private static HttpResponse<String> request(String method, String path, String json)
      throws Exception {
    return HTTP.send(
        jsonRequest(method, base + path, json, Duration.ofSeconds(20)), BodyHandlers.ofString());
  }

  /** Polls {@code check} every 100 ms for up to 60 s (shared with the other Kafka ITs here). */
  static void await(String what, Callable check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (check.call()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @FunctionalInterface
  interface Callable {
    boolean call() throws Exception;
  }
}
