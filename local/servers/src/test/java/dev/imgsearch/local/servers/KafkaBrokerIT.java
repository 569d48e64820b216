package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.testing.TestProducers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerIT {
  private static final String TOPIC = "broker-it";

  @TempDir Path logDir;

  @Test
  void recordsSurviveARestartOnTheSameLogDir() throws Exception {
    long t0 = System.nanoTime();
    try (KafkaBroker broker = KafkaBroker.start(logDir, 0)) {
      System.out.printf(
          "first start (format + start) took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      broker.createTopics(2, TOPIC);
      broker.createTopics(2, TOPIC); // idempotent
      broker.createTopics(1, Map.of("retention.ms", "1209600000"), "broker-it-retained");
      try (Admin admin =
          Admin.create(
              Map.<String, Object>of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "broker-it-retained");
        Config config =
            admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(config.get("retention.ms").value()).isEqualTo("1209600000");
      }
      try (var producer = producer(broker)) {
        producer.send(new ProducerRecord<>(TOPIC, "k", "v1")).get();
      }
      assertThat(readAll(broker)).containsExactly("k=v1");
    }

    long t1 = System.nanoTime();
    try (KafkaBroker broker = KafkaBroker.start(logDir, 0)) {
      System.out.printf("restart took %d ms%n", (System.nanoTime() - t1) / 1_000_000);
      try (var producer = producer(broker)) {
        producer.send(new ProducerRecord<>(TOPIC, "k", "v2")).get();
      }
      assertThat(readAll(broker)).containsExactly("k=v1", "k=v2");
    }
  }

  private static KafkaProducer<String, String> producer(KafkaBroker broker) {
    return TestProducers.acked(broker, new StringSerializer(), new StringSerializer());
  }

  /**
   * Reads the topic from the beginning in a fresh consumer group until two polls in a row return
   * nothing.
   */
  private static List<String> readAll(KafkaBroker broker) {
    var config =
        Map.<String, Object>of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "it-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<String> values = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int emptyPolls = 0;
      while (System.nanoTime() < deadline && (values.isEmpty() || emptyPolls < 2)) {
        var records = consumer.poll(Duration.ofMillis(500));
        emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
        for (ConsumerRecord<String, String> r : records) {
          values.add(r.key() + "=" + r.value());
        }
      }
    }
    return values;
  }
}
