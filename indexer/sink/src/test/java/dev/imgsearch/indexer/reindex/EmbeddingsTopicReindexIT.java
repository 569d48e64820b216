package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.sink.MilvusForClass;
import dev.imgsearch.indexer.store.ForwardingVectorStore;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.local.servers.MilvusServer;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import dev.imgsearch.local.servers.testing.TestProducers;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.testing.UnitVectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The re-index command's work on real components: a real Kafka broker (KRaft, in process) holding a
 * compacted embeddings topic with updates, tombstones and two models; {@link TopicReindex} replays
 * it into the embedded store and into the real Milvus server, catches up with records written
 * during the replay, and swaps the alias, while a reader on the alias checks it always sees the
 * complete old or the complete new index.
 */
class EmbeddingsTopicReindexIT extends BrokerPerClass {
  static final int DIM = 8;

  @Test
  void replaysTheTopicIntoTheEmbeddedStoreAndSwapsThePointerFile() throws Exception {
    StoreSettings alias = StoreSettings.embedded(dir.resolve("store").toString(), "images", DIM);
    // An embedded reader follows the pointer file when it opens the store, so the reader re-opens
    // for every look.
    scenario(alias, "images_m1", "images_m2", () -> VectorStores.open(alias), true);
  }

  @Test
  void replaysTheTopicIntoMilvusAndSwapsTheAlias() throws Exception {
    String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    try (MilvusServer server = MilvusServer.startOrConnect(Path.of("target", "milvus-it"))) {
      StoreSettings alias =
          StoreSettings.milvus(server.uri(), "", "images_" + suffix, DIM, "STRONG");
      String v1 = "images_" + suffix + "_m1";
      String v2 = "images_" + suffix + "_m2";
      VectorStore[] reader = new VectorStore[1];
      try {
        // One reader opened once (when the alias exists): Milvus resolves the alias at every
        // request.
        scenario(
            alias,
            v1,
            v2,
            () -> {
              synchronized (reader) {
                if (reader[0] == null) {
                  reader[0] = VectorStores.open(alias);
                }
                return new Unclosed(reader[0]);
              }
            },
            false);
      } finally {
        if (reader[0] != null) {
          reader[0].close();
        }
        MilvusForClass.dropAliases(server.uri(), alias.collection());
        MilvusForClass.dropCollections(server.uri(), DIM, v2, v1);
      }
    }
  }

  interface ReaderFactory {
    VectorStore open();
  }

  private void scenario(
      StoreSettings alias, String v1, String v2, ReaderFactory readers, boolean embedded)
      throws Exception {
    String topic = "embeddings-" + Long.toString(System.nanoTime(), 36);
    broker.createCompactedTopics(3, topic);
    Expected m1 = new Expected("enc-m@1");
    Expected m2 = new Expected("enc-m@2");
    try (Producer p = new Producer(topic, m1, m2)) {
      // Model 1: 120 images, 40 updated, 15 deleted, 5 of those uploaded again.
      for (int i = 0; i < 120; i++) {
        p.upsert("img-" + i, "enc-m@1", 1);
      }
      for (int i = 0; i < 40; i++) {
        p.upsert("img-" + i, "enc-m@1", 2);
      }
      for (int i = 100; i < 115; i++) {
        p.delete("img-" + i);
      }
      for (int i = 100; i < 105; i++) {
        p.upsert("img-" + i, "enc-m@1", 3);
      }
      p.flush();

      var first =
          TopicReindex.run(
              options(alias, topic, v1).withModel("enc-m@1", ModelPolicy.OnMismatch.FAIL), s -> {});
      assertThat(first.result().previous()).isEmpty();
      assertThat(first.result().rows()).isEqualTo(110);
      assertThat(first.changes()).isEqualTo(180);
      assertThat(first.tombstones()).isEqualTo(15);
      assertIndexHolds(alias, m1.live());
      Map<String, float[]> before = m1.live();

      // Model 2 re-embeds every live image; then 10 of them get a model-1 embedding again (a
      // straggler of the old
      // embedder: left out of the model-2 collection) and 5 are deleted.
      for (String id : m1.live().keySet()) {
        p.upsert(id, "enc-m@2", 4);
      }
      for (int i = 0; i < 10; i++) {
        p.upsert("img-" + i, "enc-m@1", 5);
      }
      for (int i = 20; i < 25; i++) {
        p.delete("img-" + i);
      }
      p.flush();

      // A reader on the alias during the whole rebuild: every look must show the complete old or
      // new index.
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> looks = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> readerErrors = new ConcurrentLinkedQueue<>();
      Thread reader =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try (VectorStore r = readers.open()) {
                    long count = r.count();
                    int hits = r.search(unit(0), 10, SearchFilter.NONE).size();
                    looks.add(count + "/" + hits);
                  } catch (Throwable t) {
                    readerErrors.add(t);
                  }
                }
              },
              "alias-reader");
      reader.start();
      List<String> log = new ArrayList<>();
      AtomicBoolean wroteDuringReplay = new AtomicBoolean();
      TopicReindex.Summary second;
      try {
        second =
            TopicReindex.run(
                options(alias, topic, v2).withModel("enc-m@2", ModelPolicy.OnMismatch.SKIP),
                line -> {
                  log.add(line);
                  // Written after the first round's end offsets were taken: only a catch-up round
                  // can see them.
                  if (line.startsWith("round 1: reading")
                      && wroteDuringReplay.compareAndSet(false, true)) {
                    for (int i = 200; i < 220; i++) {
                      p.upsert("img-" + i, "enc-m@2", 6);
                    }
                    for (int i = 30; i < 40; i++) {
                      p.upsert("img-" + i, "enc-m@2", 7);
                    }
                    p.delete("img-41");
                    p.flush();
                  }
                });
      } finally {
        // Let the reader look after the swap too (a Milvus look at STRONG consistency takes a time
        // tick or two).
        String neu = m2.live().size() + "/10";
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!looks.contains(neu) && readerErrors.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        stop.set(true);
        reader.join();
      }
      Map<String, float[]> after = m2.live();
      assertThat(after).hasSize(110 - 10 - 5 + 20 - 1);
      assertThat(second.result().previous()).contains(v1);
      assertThat(second.result().collection()).isEqualTo(v2);
      assertThat(second.result().rows()).isEqualTo(after.size());
      assertThat(second.rounds())
          .as("full replay, then one catch-up round (31 ≤ max tail)")
          .isEqualTo(2);
      assertThat(second.tailAfterSwap()).as("nothing written after the catch-up").isZero();
      assertThat(second.changes()).isEqualTo(180 + 110 + 10 + 5 + 31);
      assertThat(second.skippedOtherModel()).isEqualTo(180 - 15 + 10);
      assertThat(log).anyMatch(l -> l.startsWith("round 2: reading 31 offsets"));
      assertIndexHolds(alias, after);

      assertThat(readerErrors).isEmpty();
      String old = before.size() + "/10";
      String neu = after.size() + "/10";
      assertThat(looks)
          .isNotEmpty()
          .allMatch(l -> l.equals(old) || l.equals(neu), "complete old or new index");
      assertThat(looks).contains(neu);
      if (!embedded) {
        assertThat(looks).as("the reader looked before the swap too").contains(old);
      }

      // A third re-index that must fail on other models leaves the alias alone.
      assertThatThrownBy(
              () ->
                  TopicReindex.run(
                      options(alias, topic, v2 + "_x")
                          .withModel("enc-m@2", ModelPolicy.OnMismatch.FAIL),
                      s -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("enc-m@1")
          .hasMessageContaining("alias was not moved");
      assertIndexHolds(alias, after);
    }
  }

  private static TopicReindex.Options options(
      StoreSettings alias, String topic, String collection) {
    return TopicReindex.Options.of(broker.bootstrapServers(), topic, alias, collection)
        .withBatch(50);
  }

  private static void assertIndexHolds(StoreSettings alias, Map<String, float[]> expected) {
    try (VectorStore store = VectorStores.open(alias)) {
      store.ensureCollection();
      assertThat(store.count()).isEqualTo(expected.size());
      for (var e : expected.entrySet()) {
        Optional<VectorRecord> row = store.get(e.getKey());
        assertThat(row).as(e.getKey()).isPresent();
        assertThat(row.get().vector())
            .as(e.getKey())
            .containsExactly(e.getValue(), org.assertj.core.data.Offset.offset(1e-6f));
        var objects = store.items().itemsOf(e.getKey());
        assertThat(objects).as("objects of " + e.getKey()).hasSize(1);
        assertThat(objects.get(0).item().vector())
            .containsExactly(e.getValue(), org.assertj.core.data.Offset.offset(1e-6f));
      }
      assertThat(store.get("img-112")).as("deleted").isEmpty();
      assertThat(store.items().itemsOf("img-112")).as("deleted with its image").isEmpty();
    }
  }

  static float[] vector(String id, int version) {
    return UnitVectors.random(new SplittableRandom(id.hashCode() * 31L + version), DIM);
  }

  static float[] unit(int axis) {
    float[] v = new float[DIM];
    v[axis] = 1;
    return v;
  }

  /**
   * The live rows a collection of one model must hold: the latest change per image, if it is of
   * that model.
   */
  static final class Expected {
    final String model;
    final Map<String, float[]> latest = new LinkedHashMap<>();

    Expected(String model) {
      this.model = model;
    }

    void apply(String id, String recordModel, float[] v) {
      if (v == null || !recordModel.equals(model)) {
        latest.remove(id);
      } else {
        latest.put(id, v);
      }
    }

    Map<String, float[]> live() {
      return new HashMap<>(latest);
    }
  }

  /**
   * Writes embeddings records the way the embedder does (key = image id, Avro value, tombstone =
   * deleted).
   */
  static final class Producer implements AutoCloseable {
    final KafkaProducer<String, byte[]> producer;
    final String topic;
    final Expected[] expected;

    Producer(String topic, Expected... expected) {
      this.topic = topic;
      this.expected = expected;
      this.producer =
          TestProducers.acked(broker, new StringSerializer(), new ByteArraySerializer());
    }

    void upsert(String id, String model, int version) {
      float[] v = vector(id, version);
      List<Float> list = new ArrayList<>();
      for (float x : v) {
        list.add(x);
      }
      ImageEmbedding e =
          ImageEmbedding.newBuilder()
              .setImageId(id)
              .setBucket("images")
              .setKey("cam/" + id + ".jpg")
              .setSource("cam-" + (id.hashCode() & 3))
              .setCapturedAtMillis(1_700_000_000_000L + version)
              .setTags(List.of())
              .setModel(model)
              .setVector(list)
              .setEventTimeMillis(version)
              // one detected object with the frame's vector: the replay must carry it to the new
              // index
              .setObjects(
                  List.of(
                      dev.imgsearch.schemas.avro.DetectedItem.newBuilder()
                          .setKind(dev.imgsearch.schemas.avro.DetectedKind.OBJECT)
                          .setIndex(0)
                          .setLabel("person")
                          .setClassId(0)
                          .setScore(0.9f)
                          .setBox(List.of(0f, 0f, 0.5f, 1f))
                          .setModel(model)
                          .setVector(list)
                          .build()))
              .build();
      send(id, Topics.EMBEDDINGS.valueSerde().serializer().serialize(topic, e));
      for (Expected x : expected) {
        x.apply(id, model, v);
      }
    }

    void delete(String id) {
      send(id, null);
      for (Expected x : expected) {
        x.apply(id, x.model, null);
      }
    }

    private void send(String id, byte[] value) {
      try {
        producer.send(new ProducerRecord<>(topic, id, value)).get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    void flush() {
      producer.flush();
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  /** A shared reader that the per-look try-with-resources must not close. */
  static final class Unclosed extends ForwardingVectorStore {
    Unclosed(VectorStore delegate) {
      super(delegate);
    }

    @Override
    public void close() {}
  }
}
