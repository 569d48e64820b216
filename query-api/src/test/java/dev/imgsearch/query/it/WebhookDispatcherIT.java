package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.local.servers.testing.TestProducers;
import dev.imgsearch.query.watch.KafkaWatches;
import dev.imgsearch.query.watch.WebhookDispatcher;
import dev.imgsearch.query.watch.WebhookRetry;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.query.watch.WebhookSignature;
import dev.imgsearch.query.watch.WebhookStats;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook dispatcher on a real broker, posting to a JDK HTTP receiver: an alert whose first
 * attempt gets a 503 arrives exactly twice, both times with the alert id as Idempotency-Key and a
 * signature the receiver verifies; an alert whose receiver answers 400 is posted once and counted
 * as failed; an alert of a watch without webhook is not posted; the offsets are committed after.
 */
class WebhookDispatcherIT extends BrokerPerClass {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WATCHES = "hook-watches";
  private static final String ALERTS = "hook-alerts";
  private static final String SECRET = "it-secret";

  /** One request the receiver got. */
  record Received(String path, String idempotencyKey, boolean signed, JsonNode body) {}

  static HttpServer receiver;
  static KafkaWatches watches;
  static KafkaProducer<String, byte[]> producer;
  static final List<Received> received = new CopyOnWriteArrayList<>();
  static final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    broker.createTopics(2, WATCHES, ALERTS);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", WebhookDispatcherIT::receive);
    receiver.start();
    String hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
    producer = TestProducers.acked(broker, new StringSerializer(), new ByteArraySerializer());
    putWatch("flaky", hooks + "/flaky?token=t");
    putWatch("refusing", hooks + "/refusing");
    putWatch("quiet", null);
    watches =
        KafkaWatches.open(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            WATCHES,
            ALERTS,
            new WebhookSettings(Set.of("127.0.0.1"), SECRET, 3, Duration.ofSeconds(2)));
    // the group starts at the end of the topic: post warm-up alerts until one arrives
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; received.stream().noneMatch(r -> r.path().startsWith("/warm")); i++) {
      assertThat(System.nanoTime()).as("a warm-up alert arrives").isLessThan(until);
      putWatch("warm", hooks + "/warm");
      sendAlert("warm-" + i, "warm");
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    closeAll(watches, producer, receiver == null ? null : () -> receiver.stop(0));
  }

  /** 503 on the first attempt of each alert at /flaky, always 400 at /refusing, else 204. */
  private static void receive(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
    boolean signed =
        WebhookSignature.verify(
            SECRET, body, ex.getRequestHeaders().getFirst(WebhookSignature.HEADER));
    String path = ex.getRequestURI().getPath();
    received.add(new Received(path, key, signed, JSON.readTree(body)));
    int status =
        switch (path) {
          case "/flaky" -> failedOnce.add(key) ? 503 : 204;
          case "/refusing" -> 400;
          default -> 204;
        };
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  @Test
  void alertsArePostedSignedAtLeastOnceAndRefusalsAreNotRetried() throws Exception {
    WebhookStats stats = watches.watches().deliveries();
    long retriedBefore = stats.delivered(true);
    sendAlert("a-flaky", "flaky");
    sendAlert("a-refused", "refusing");
    sendAlert("a-quiet", "quiet");

    WatchesApiIT.await(
        "the flaky alert delivered on its second attempt",
        () -> requests("a-flaky").size() == 2 && stats.delivered(true) > retriedBefore);
    WatchesApiIT.await(
        "the refused alert given up", () -> stats.failed(WebhookRetry.Outcome.REJECTED) == 1);
    WatchesApiIT.await("the offsets committed", WebhookDispatcherIT::committedToTheEnd);
    Thread.sleep(1500); // a third attempt would come 1 s after the second

    List<Received> flaky = requests("a-flaky");
    assertThat(flaky).hasSize(2).allMatch(r -> r.path().equals("/flaky") && r.signed());
    assertThat(flaky.get(0).body()).isEqualTo(flaky.get(1).body());
    assertThat(flaky.get(0).body().get("alertId").asText()).isEqualTo("a-flaky");
    assertThat(flaky.get(0).body().get("watchId").asText()).isEqualTo("flaky");
    assertThat(flaky.get(0).body().get("score").asDouble()).isEqualTo(0.93);
    assertThat(requests("a-refused")).hasSize(1).allMatch(Received::signed);
    assertThat(requests("a-quiet")).as("no webhook, no post").isEmpty();
    assertThat(stats.failed(WebhookRetry.Outcome.UNAVAILABLE)).isZero();
  }

  private static List<Received> requests(String alertId) {
    return received.stream().filter(r -> alertId.equals(r.idempotencyKey())).toList();
  }

  /** Whether the dispatcher's group has committed every alert partition up to its end. */
  private static boolean committedToTheEnd() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(WebhookDispatcher.GROUP_ID)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      for (int p = 0; p < 2; p++) {
        TopicPartition tp = new TopicPartition(ALERTS, p);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        OffsetAndMetadata c = committed.get(tp);
        if (end > 0 && (c == null || c.offset() < end)) {
          return false;
        }
      }
      return true;
    }
  }

  private static void putWatch(String id, String webhook) throws Exception {
    Watch w =
        Watch.newBuilder()
            .setId(id)
            .setName(id)
            .setTarget(WatchTarget.NEAR_DUPLICATES)
            .setPhash(0xf0L)
            .setThreshold(4)
            .setWebhook(webhook)
            .setCreatedAtMillis(1)
            .setUpdatedAtMillis(1)
            .build();
    send(WATCHES, id, Topics.WATCHES.valueSerde().serializer().serialize(WATCHES, w));
    WatchesApiIT.await(
        "watch " + id + " in the view",
        () -> watches == null || watches.watches().view().get(id).isPresent());
  }

  private static void sendAlert(String alertId, String watchId) throws Exception {
    Alert a =
        Alert.newBuilder()
            .setAlertId(alertId)
            .setWatchId(watchId)
            .setWatchName(watchId)
            .setImageId("img-" + alertId)
            .setBucket("images")
            .setKey(alertId + ".jpg")
            .setSource("cam-1")
            .setScore(0.93)
            .setCapturedAtMillis(5)
            .setMatchedAtMillis(6)
            .build();
    send(ALERTS, alertId, Topics.ALERTS.valueSerde().serializer().serialize(ALERTS, a));
  }

  private static void send(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
  }
}
