package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
  private final IngestSettings settings = IngestSettings.defaults("unused:9092", "target/state");
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> notifications;
  private TestOutputTopic<String, ImageEvent> events;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void setUp() {
    driver = new TopologyTestDriver(IngestTopology.build(settings), settings.streamsProperties());
    notifications =
        driver.createInputTopic(settings.notificationsTopic(), Serdes.String().serializer(), Serdes.String().serializer());
    events =
        driver.createOutputTopic(
            settings.imageEventsTopic(), Serdes.String().deserializer(), Topics.IMAGE_EVENTS.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(settings.deadLetterTopic(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  static String fixture(String name) throws IOException {
    try (InputStream in = IngestTopologyTest.class.getResourceAsStream("/notifications/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void putBecomesCreatedEventKeyedByImageId() throws IOException {
    notifications.pipeInput("images/cam 1/a b+c.jpg", fixture("put-escaped-key.json"));

    var out = events.readKeyValuesToList();
    assertThat(out).hasSize(1);
    String id = ImageIds.of("images", "cam 1/a b+c.jpg");
    assertThat(out.get(0).key).isEqualTo(id);
    ImageEvent e = out.get(0).value;
    assertThat(e.getType()).isEqualTo(ImageEventType.CREATED);
    assertThat(e.getKey()).isEqualTo("cam 1/a b+c.jpg");
    assertThat(e.getSource()).isEqualTo("cam-1");
    assertThat(e.getSize()).isEqualTo(48213L);
    assertThat(e.getCapturedAtMillis()).isEqualTo(e.getEventTimeMillis()); // no captured-at metadata
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void deleteBecomesDeletedEventWithTheSameKey() throws IOException {
    notifications.pipeInput("k", fixture("put-escaped-key.json"));
    notifications.pipeInput("k", fixture("delete.json"));

    var out = events.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.value.getType()).containsExactly(ImageEventType.CREATED, ImageEventType.DELETED);
    assertThat(out.get(0).key).isEqualTo(out.get(1).key);
  }

  @Test
  void nonImagesAreSkipped() throws IOException {
    notifications.pipeInput("k", fixture("put-escaped-key.json").replace("image/jpeg", "text/plain"));
    assertThat(events.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void garbageGoesToTheDeadLetterTopicWithReasonAndOriginAndTheStreamContinues() throws IOException {
    notifications.pipeInput("bad-key", "{ this is not json");
    notifications.pipeInput("k", fixture("put-escaped-key.json"));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> d = dead.get(0);
    assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("{ this is not json");
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("bad-key");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.REASON)).isEqualTo("unparseable-notification");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL)).contains("not MinIO notification JSON");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo(settings.notificationsTopic());
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("0");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.STAGE)).isEqualTo("ingest-stream");
    assertThat(events.readValuesToList()).hasSize(1);
  }

  @Test
  void recordWithoutKeyIsDeadLettered() {
    notifications.pipeInput("k", "{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\",\"eventTime\":\"2026-01-01T00:00:00Z\","
        + "\"s3\":{\"bucket\":{\"name\":\"images\"},\"object\":{\"contentType\":\"image/png\"}}}]}");
    assertThat(events.isEmpty()).isTrue();
    assertThat(DeadLetter.header(deadLetters.readRecord().headers(), DeadLetters.DETAIL))
        .isEqualTo("record without bucket name or object key");
  }
}
