package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three KRaft nodes, each its own JVM: topics replicated 3 times with min ISR 2; acknowledged
 * writes go on with one broker shut down, and with one broker killed (SIGKILL, exit status 137),
 * which comes back on its data.
 */
class KafkaClusterIT {
  @TempDir Path dir;

  @Test
  void replicatesToEveryNodeAndAcceptsWritesWithOneNodeStoppedOrKilled() throws Exception {
    long t0 = System.nanoTime();
    KafkaCluster kafka = KafkaCluster.start(dir, 3);
    try {
      System.out.printf("3-node Kafka up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      kafka.createTopics(2, "replicated");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        TopicDescription topic =
            admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
        assertThat(topic.partitions())
            .hasSize(2)
            .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        String minIsr =
            admin
                .describeConfigs(
                    List.of(new ConfigResource(ConfigResource.Type.TOPIC, "replicated")))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .get("min.insync.replicas")
                .value();
        assertThat(minIsr).isEqualTo("2");
      }
      Map<String, Object> p =
          Map.of(
              "bootstrap.servers",
              kafka.bootstrapServers(),
              "acks",
              "all",
              "enable.idempotence",
              "true");
      try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("replicated", "k", "before")).get(30, TimeUnit.SECONDS);
        kafka.stopNode(2);
        producer
            .send(new ProducerRecord<>("replicated", "k", "one node down"))
            .get(30, TimeUnit.SECONDS);
        kafka.startNode(2);
        producer.send(new ProducerRecord<>("replicated", "k", "after")).get(30, TimeUnit.SECONDS);
        long kill = System.nanoTime();
        assertThat(kafka.killNode(3)).as("the exit status of a SIGKILL").isEqualTo(128 + 9);
        producer
            .send(new ProducerRecord<>("replicated", "k", "one node killed"))
            .get(30, TimeUnit.SECONDS);
        System.out.printf(
            "a write acknowledged %d ms after node 3 was killed%n",
            (System.nanoTime() - kill) / 1_000_000);
        long restart = System.nanoTime();
        kafka.startNode(3);
        System.out.printf(
            "node 3 serving again %d ms after its restart%n",
            (System.nanoTime() - restart) / 1_000_000);
        producer
            .send(new ProducerRecord<>("replicated", "k", "after the kill"))
            .get(30, TimeUnit.SECONDS);
      }
    } finally {
      long t1 = System.nanoTime();
      kafka.close();
      System.out.printf("3-node Kafka stopped in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
    }
  }
}
