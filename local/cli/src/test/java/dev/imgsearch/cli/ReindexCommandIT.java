package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code imgsearch reindex} end to end on a real broker and the embedded store, as a user runs it.
 */
class ReindexCommandIT {
  @TempDir Path dir;

  @Test
  void rebuildsTheEmbeddedStoreFromTheTopicAndRefusesAPlainCollection() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), 0)) {
      String topic = "imgsearch.embeddings";
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(topic, 2, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
            .all()
            .get();
      }
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        for (int i = 0; i < 50; i++) {
          producer.send(new ProducerRecord<>(topic, "img-" + i, value("img-" + i, i))).get();
        }
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "img-" + i, null)).get();
        }
      }
      Path data = dir.resolve("data");
      Run ok = reindex(broker, topic, "--data-dir", data, "images_m_v2");
      assertThat(ok.code).as(ok.out + ok.err).isZero();
      assertThat(ok.out)
          .contains("alias images: (none) → images_m_v2")
          .contains("60 changes replayed")
          .contains("40 rows")
          .contains("model m@1");
      assertThat(Files.readString(data.resolve("vectors").resolve("images.alias")).trim())
          .isEqualTo("images_m_v2");
      try (VectorStore store =
          VectorStores.open(
              StoreSettings.embedded(data.resolve("vectors").toString(), "images", 4))) {
        assertThat(store.count()).isEqualTo(40);
        assertThat(store.get("img-3")).isEmpty();
        assertThat(store.get("img-30")).isPresent();
      }

      // A store created before aliases (a plain collection named like the alias) is refused before
      // any work.
      Files.createDirectories(data.resolve("old").resolve("images"));
      Run refused = reindex(broker, topic, "--store-path", data.resolve("old"), "images_v3");
      assertThat(refused.code).isEqualTo(1);
      assertThat(refused.err).contains("images is a collection, not an alias");
    }
  }

  private static byte[] value(String id, int i) {
    List<Float> v = new ArrayList<>(List.of(0f, 0f, 0f, 0f));
    v.set(i % 4, 1f);
    ImageEmbedding e =
        ImageEmbedding.newBuilder()
            .setImageId(id)
            .setBucket("images")
            .setKey(id + ".jpg")
            .setCapturedAtMillis(i)
            .setModel("m@1")
            .setVector(v)
            .setEventTimeMillis(i)
            .build();
    return Topics.EMBEDDINGS.valueSerde().serializer().serialize("t", e);
  }

  record Run(int code, String out, String err) {}

  /** {@code imgsearch reindex} into the embedded store at {@code storeOption store}, 4-d. */
  private static Run reindex(
      KafkaBroker broker, String topic, String storeOption, Path store, String collection) {
    return run(
        "reindex",
        "--bootstrap",
        broker.bootstrapServers(),
        "--topic",
        topic,
        "--vector-store",
        "lucene",
        storeOption,
        store.toString(),
        "--alias",
        "images",
        "--collection",
        collection,
        "--dimension",
        "4");
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
