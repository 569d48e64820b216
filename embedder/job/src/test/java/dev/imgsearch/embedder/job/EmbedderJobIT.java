package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.image.BadImageCorpus;
import dev.imgsearch.embedder.image.PerceptualHash;
import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.embedder.model.Vectors;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The whole embedder job against real components: Kafka (KRaft broker in this JVM), the S3 server
 * (MinIO SDK ↔ S3Proxy, child process), a Flink MiniCluster and the embedded Lucene vector store.
 * The bad-image corpus goes through it between good photos: every file gets its outcome, the job
 * keeps running, and what comes after is embedded.
 */
class EmbedderJobIT extends HarnessPerClass {
  /** Metric identifiers of the embed operator: {@code ....fetch-decode-embed.<subtask>.<name>}. */
  static final String OP = ".*\\.fetch-decode-embed\\.\\d+\\.";

  /**
   * {@code fetch.max-bytes} of the job: above the corpus's largest file (the 9 MB BMP, rejected
   * too-large).
   */
  static final long FETCH_MAX_BYTES = 12L << 20;

  static void put(String key, byte[] bytes) throws Exception {
    it.put(key, bytes);
  }

  static ImageEvent event(ImageEventType type, String key, long time) {
    return ImageEvent.newBuilder()
        .setImageId(ImageIds.of(BUCKET, key))
        .setType(type)
        .setBucket(BUCKET)
        .setKey(key)
        .setSource("it-camera")
        .setTags(List.of("it"))
        .setEventTimeMillis(time)
        .build();
  }

  @Test
  void corpusGoodImagesDeletionsAndGoneObjectsThroughTheWholeJob() throws Exception {
    EmbedderSettings settings =
        settings(
            "it",
            Map.of(
                "decode.max-bytes", Long.toString(BadImageCorpus.MAX_BYTES),
                "fetch.max-bytes", Long.toString(FETCH_MAX_BYTES),
                "batch.size", "4",
                "batch.max-delay", "30ms",
                "store.dimension", "576"));
    String eventsTopic = settings.imageEventsTopic();
    String dlqTopic = settings.deadLetterTopic();
    String embeddingsTopic = settings.embeddingsTopic();
    it.broker.createTopics(2, eventsTopic, dlqTopic);

    // the corpus first, then good photos: an upright one and its EXIF-rotated copy, one that is
    // deleted later
    Map<String, String> expected =
        new LinkedHashMap<>(); // image id → reason, or null when embedded
    List<ImageEvent> events = new ArrayList<>();
    long t = 1_700_000_000_000L;
    for (BadImageCorpus.Case c : BadImageCorpus.cases()) {
      String key = "corpus/" + c.name();
      put(key, c.bytes());
      events.add(event(ImageEventType.CREATED, key, t++));
      expected.put(ImageIds.of(BUCKET, key), c.expectedReason());
    }
    var upright = TestImages.scene(800, 600, 42);
    put("good/upright.jpg", TestImages.encode(upright, "jpg"));
    put("good/rotated.jpg", TestImages.rotatedJpeg(upright));
    put("good/deleted-later.png", TestImages.encode(TestImages.scene(640, 480, 43), "png"));
    for (String key :
        List.of(
            "good/upright.jpg",
            "good/rotated.jpg",
            "good/deleted-later.png",
            "good/never-uploaded.jpg")) {
      events.add(event(ImageEventType.CREATED, key, t++));
    }
    events.add(event(ImageEventType.DELETED, "good/deleted-later.png", t++));
    expected.put(ImageIds.of(BUCKET, "good/upright.jpg"), null);
    expected.put(ImageIds.of(BUCKET, "good/rotated.jpg"), null);

    // hostile records: none may halt the stream, each is dead-lettered with its reason
    byte[] photo = TestImages.encode(TestImages.scene(320, 240, 44), "jpg");
    put(
        "hostile/forty-tags.jpg",
        photo); // the object is fine, the event could never be stored (32 tags at most)
    List<String> fortyTags = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      fortyTags.add("tag-" + i);
    }
    ImageEvent fortyTagEvent = event(ImageEventType.CREATED, "hostile/forty-tags.jpg", t++);
    fortyTagEvent.setTags(new ArrayList<>(fortyTags));
    events.add(fortyTagEvent);
    expected.put(fortyTagEvent.getImageId(), FieldLimits.REASON);
    put(
        "hostile/announced-huge.jpg",
        photo); // the event announces more than fetch.max-bytes: never fetched
    ImageEvent huge = event(ImageEventType.CREATED, "hostile/announced-huge.jpg", t++);
    huge.setSize(1L << 40);
    events.add(huge);
    expected.put(huge.getImageId(), FetchErrors.OBJECT_TOO_LARGE);
    byte[] overFetchLimit =
        new byte[(int) FETCH_MAX_BYTES + 1]; // no size in the event: refused by Content-Length
    put("hostile/over-fetch-limit.bin", overFetchLimit);
    events.add(event(ImageEventType.CREATED, "hostile/over-fetch-limit.bin", t++));
    expected.put(ImageIds.of(BUCKET, "hostile/over-fetch-limit.bin"), FetchErrors.OBJECT_TOO_LARGE);
    ImageEvent badBucket =
        event(ImageEventType.CREATED, "x.jpg", t++); // a name S3 refuses: a 4xx, not an outage
    badBucket.setBucket("Not_A_Valid_Bucket");
    badBucket.setImageId(ImageIds.of("Not_A_Valid_Bucket", "x.jpg"));
    events.add(badBucket);
    expected.put(badBucket.getImageId(), FetchErrors.FETCH_FAILED);
    put(
        "hostile/tall-thin.png",
        TestImages.flatPng(399, 125_000, 8, 2)); // 150 kB, under 50 MP, 150 MB raster
    events.add(event(ImageEventType.CREATED, "hostile/tall-thin.png", t++));
    expected.put(ImageIds.of(BUCKET, "hostile/tall-thin.png"), "aspect-ratio");
    put(
        "good/after-the-hostile-ones.jpg",
        TestImages.encode(TestImages.scene(640, 480, 45), "jpg"));
    events.add(event(ImageEventType.CREATED, "good/after-the-hostile-ones.jpg", t++));
    expected.put(ImageIds.of(BUCKET, "good/after-the-hostile-ones.jpg"), null);

    try (KafkaProducer<byte[], byte[]> producer = it.producer()) {
      for (ImageEvent e : events) {
        producer.send(JobHarness.eventRecord(eventsTopic, e));
      }
      producer.send(
          new ProducerRecord<>(
              eventsTopic, "x".getBytes(), "not avro".getBytes())); // undecodable event
    }

    JobClient job = JobHarness.startJob(settings, "embedder-it");
    List<ConsumerRecord<byte[], byte[]>> deadLetters;
    List<ConsumerRecord<byte[], byte[]>> embeddings;
    long rejections =
        expected.values().stream().filter(r -> r != null).count() + 1; // + the undecodable event
    long embeddable = expected.values().stream().filter(r -> r == null).count();
    try {
      deadLetters = it.consume(dlqTopic, rs -> rs.size() >= rejections);
      // every embeddable image, plus the deleted one's embedding and tombstone
      embeddings = it.consume(embeddingsTopic, rs -> rs.size() >= embeddable + 2);
      Thread.sleep(2500); // two more checkpoints: the vector store sink flushes on checkpoints
    } finally {
      job.cancel().get();
    }

    // metrics: counts by outcome and by dead-letter reason, batch and latency histograms
    assertThat(CollectingReporter.counter(OP + "imagesEmbedded")).isEqualTo(embeddable + 1);
    assertThat(CollectingReporter.counter(OP + "imagesDeleted")).isEqualTo(1);
    assertThat(CollectingReporter.counter(OP + "objectsMissing")).isEqualTo(1);
    assertThat(CollectingReporter.counter(OP + "deadLetters"))
        .isEqualTo(rejections); // the total (per reason below)
    assertThat(CollectingReporter.counter(OP + "reason\\.too-many-pixels.deadLetters"))
        .isEqualTo(3);
    assertThat(CollectingReporter.counter(OP + "reason\\.corrupt.deadLetters")).isEqualTo(4);
    assertThat(CollectingReporter.histogramCount(OP + "batchSize")).isGreaterThan(0);
    assertThat(CollectingReporter.histogramCount(OP + "decodeMillis")).isEqualTo(embeddable + 1);
    assertThat(CollectingReporter.histogramCount(OP + "inferenceMillis")).isGreaterThan(0);

    // dead letters: one per rejected file, with its reason, stage and image id
    Map<String, String> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
      assertThat(DeadLetter.header(r.headers(), DeadLetters.STAGE)).isEqualTo("embedder");
      String id = DeadLetter.header(r.headers(), DeadLetters.IMAGE_ID);
      reasons.put(
          id == null ? "undecodable" : id, DeadLetter.header(r.headers(), DeadLetters.REASON));
    }
    assertThat(deadLetters).hasSize((int) rejections);
    assertThat(reasons).containsEntry("undecodable", "undecodable-event");
    expected.forEach(
        (id, reason) -> {
          if (reason != null) {
            assertThat(reasons).as(id).containsEntry(id, reason);
          }
        });

    // embeddings topic: keyed by id, Avro values with the model tag and a pHash, a tombstone for
    // the deletion
    Map<String, ImageEmbedding> latest = new HashMap<>();
    List<String> tombstones = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : embeddings) {
      String id = new String(r.key(), StandardCharsets.UTF_8);
      if (r.value() == null) {
        tombstones.add(id);
        latest.remove(id);
      } else {
        ImageEmbedding e = embedding(embeddingsTopic, r);
        assertThat(e.getImageId()).isEqualTo(id);
        assertThat(e.getModel()).isEqualTo("nsfwjs-mobilenetv2-b13@1");
        assertThat(e.getVector()).hasSize(576);
        assertThat(e.getPhash()).isNotNull();
        latest.put(id, e);
      }
    }
    assertThat(tombstones).containsExactly(ImageIds.of(BUCKET, "good/deleted-later.png"));
    expected.forEach(
        (id, reason) -> assertThat(latest.containsKey(id)).as(id).isEqualTo(reason == null));
    assertThat(latest).hasSize((int) embeddable);
    ImageEmbedding up = latest.get(ImageIds.of(BUCKET, "good/upright.jpg"));
    ImageEmbedding rot = latest.get(ImageIds.of(BUCKET, "good/rotated.jpg"));
    assertThat(PerceptualHash.distance(up.getPhash(), rot.getPhash())).isLessThanOrEqualTo(6);
    assertThat(Vectors.cosine(toArray(up.getVector()), toArray(rot.getVector())))
        .isGreaterThan(0.98);
    assertThat(it.topicConfig(embeddingsTopic, "cleanup.policy")).isEqualTo("compact");

    // the vector store holds exactly the embedded images; the deleted one is gone
    try (VectorStore store = openStore(settings)) {
      assertThat(store.count()).isEqualTo(embeddable);
      VectorRecord row = store.get(ImageIds.of(BUCKET, "good/upright.jpg")).orElseThrow();
      assertThat(row.model()).isEqualTo("nsfwjs-mobilenetv2-b13@1");
      assertThat(row.source()).isEqualTo("it-camera");
      assertThat(store.get(ImageIds.of(BUCKET, "good/deleted-later.png"))).isEmpty();
    }
  }

  /**
   * Scene-change gating through the whole job at parallelism 2 (the gated step keyed by source):
   * two cameras' vtest frames, a frame without a source and a deletion. Every frame is indexed; the
   * frames of a scene carry their representative's vector and id, on the embeddings topic and in
   * the store. One partition keeps each camera's frames in capture order, so the decisions are
   * those of {@code VtestFramesTest}.
   */
  @Test
  void gatedFramesOfTwoCamerasAreIndexedWithTheirRepresentatives() throws Exception {
    EmbedderSettings settings =
        settings(
            "it-gate",
            Map.of("batch.size", "3", "batch.max-delay", "30ms", "gate.enabled", "true"));
    String eventsTopic = settings.imageEventsTopic();
    String embeddingsTopic = settings.embeddingsTopic();
    it.broker.createTopics(1, eventsTopic);
    List<ImageEvent> events = new ArrayList<>();
    long t = 1_700_000_000_000L;
    int[][] frames = {
      {501, 0}, {505, 1}, {502, 0}, {503, 0}, {506, 1}, {504, 0}, {505, 0}, {506, 0}
    };
    for (int[] f : frames) {
      String source = f[1] == 0 ? "gate-cam-a" : "gate-cam-b";
      String key = source + "/" + f[0] + ".jpg";
      put(key, GatedFrames.frame(f[0]));
      ImageEvent e = event(ImageEventType.CREATED, key, t++);
      e.setSource(source);
      e.setCapturedAtMillis(1_700_000_000_000L + f[0] * 100L);
      events.add(e);
    }
    put("gate-none/502.jpg", GatedFrames.frame(502));
    ImageEvent sourceless = event(ImageEventType.CREATED, "gate-none/502.jpg", t++);
    sourceless.setSource(null);
    events.add(sourceless);
    events.add(
        event(
            ImageEventType.DELETED, "gate-cam-a/503.jpg", t++)); // no source: keyed by its image id
    it.produce(eventsTopic, events.toArray(ImageEvent[]::new));
    String a503id = ImageIds.of(BUCKET, "gate-cam-a/503.jpg");
    Predicate<List<ConsumerRecord<byte[], byte[]>>> allThere =
        rs -> {
          java.util.Set<String> upserted = new java.util.HashSet<>();
          boolean tombstone = false;
          for (ConsumerRecord<byte[], byte[]> r : rs) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
              tombstone |= id.equals(a503id);
            } else if (!id.equals(a503id)) {
              upserted.add(id);
            }
          }
          return tombstone
              && upserted.size() == frames.length; // every other frame and the sourceless one
        };
    List<ConsumerRecord<byte[], byte[]>> embeddings =
        it.runUntil(settings, "embedder-gate-it", 2, embeddingsTopic, allThere);

    Map<String, ImageEmbedding> byId = new HashMap<>();
    ConsumerRecord<byte[], byte[]> lastOfDeleted = null;
    for (ConsumerRecord<byte[], byte[]> r : embeddings) {
      if (new String(r.key(), StandardCharsets.UTF_8).equals(a503id)) {
        lastOfDeleted =
            r; // its creation may have been overtaken by the deletion (then dropped), never after
        // it
      } else if (r.value() != null) {
        ImageEmbedding e = embedding(embeddingsTopic, r);
        byId.put(e.getImageId(), e);
      }
    }
    assertThat(lastOfDeleted.value())
        .as("the deleted frame's last record is its tombstone")
        .isNull();
    Map<String, String> sceneOf = new LinkedHashMap<>();
    byId.forEach(
        (id, e) ->
            sceneOf.put(id, e.getRepresentativeId() == null ? null : e.getRepresentativeId()));
    String a501 = ImageIds.of(BUCKET, "gate-cam-a/501.jpg");
    String a504 = ImageIds.of(BUCKET, "gate-cam-a/504.jpg");
    String b505 = ImageIds.of(BUCKET, "gate-cam-b/505.jpg");
    assertThat(sceneOf)
        .containsEntry(a501, null)
        .containsEntry(ImageIds.of(BUCKET, "gate-cam-a/502.jpg"), a501)
        .containsEntry(a504, null) // a person enters
        .containsEntry(ImageIds.of(BUCKET, "gate-cam-a/505.jpg"), a504)
        .containsEntry(ImageIds.of(BUCKET, "gate-cam-a/506.jpg"), a504)
        .containsEntry(b505, null)
        .containsEntry(ImageIds.of(BUCKET, "gate-cam-b/506.jpg"), b505) // not cam-a's scene
        .containsEntry(ImageIds.of(BUCKET, "gate-none/502.jpg"), null);
    ImageEmbedding a502 = byId.get(ImageIds.of(BUCKET, "gate-cam-a/502.jpg"));
    assertThat(a502.getVector()).isEqualTo(byId.get(a501).getVector());
    assertThat(a502.getSceneStartMillis()).isEqualTo(1_700_000_000_000L + 50_100L);
    assertThat(a502.getCapturedAtMillis()).isEqualTo(1_700_000_000_000L + 50_200L);
    assertThat(a502.getPhash()).isNotNull(); // its own (the same as 501's here: 0 bits apart)
    assertThat(CollectingReporter.counter(OP + "imagesEmbedded"))
        .isEqualTo(4); // a501, a504, b505, none/502
    assertThat(CollectingReporter.counter(OP + "imagesGated")).isEqualTo(5);

    try (VectorStore store = openStore(settings)) {
      assertThat(store.count())
          .isEqualTo(frames.length); // all frames and the sourceless one, minus the deleted one
      assertThat(store.get(a503id)).isEmpty();
      VectorRecord gated = store.get(ImageIds.of(BUCKET, "gate-cam-a/506.jpg")).orElseThrow();
      assertThat(gated.scene())
          .isEqualTo(new dev.imgsearch.indexer.store.SceneRef(a504, 1_700_000_000_000L + 50_400L));
      assertThat(gated.vector()).isEqualTo(store.get(a504).orElseThrow().vector());
      assertThat(gated.source()).isEqualTo("gate-cam-a");
      assertThat(
              store.search(
                  gated.vector(),
                  3,
                  new dev.imgsearch.indexer.store.SearchFilter(
                      java.util.Set.of("gate-cam-a"), null, null, java.util.Set.of())))
          .extracting(h -> h.scene() == null ? null : h.scene().representativeId())
          .containsOnly(null, a504);
    }
  }

  /**
   * detect=objects,faces: a photo with people is indexed with its person objects (and faces), found
   * by class and by the vector of its own person crop; deleting the image (a second run of the job,
   * same group) removes them.
   */
  @Test
  void detectedPeopleAreIndexedSearchableByClassAndGoWithTheirImage() throws Exception {
    EmbedderSettings settings =
        settings("it-detect", Map.of("batch.max-delay", "30ms", "detect", "objects,faces"));
    String eventsTopic = settings.imageEventsTopic();
    String embeddingsTopic = settings.embeddingsTopic();
    it.broker.createTopics(1, eventsTopic);
    String key = "detect/messi5.jpg";
    String id = ImageIds.of(BUCKET, key);
    try (var in = EmbedderJobIT.class.getResourceAsStream("/photos-detect/messi5.jpg")) {
      put(key, in.readAllBytes());
    }

    it.produce(eventsTopic, event(ImageEventType.CREATED, key, 1));
    List<ConsumerRecord<byte[], byte[]>> embeddings =
        runUntil(settings, embeddingsTopic, rs -> rs.stream().anyMatch(r -> r.value() != null));
    ImageEmbedding e = embedding(embeddingsTopic, embeddings.get(0));
    assertThat(e.getObjects())
        .anyMatch(o -> o.getLabel().equals("person") && o.getVector().size() == 576);
    assertThat(CollectingReporter.counter(OP + "objectsDetected")).isPositive();
    try (VectorStore store = openStore(settings)) {
      assertThat(store.get(id)).isPresent();
      List<dev.imgsearch.indexer.store.StoredItem> items = store.items().itemsOf(id);
      var person =
          items.stream().filter(i -> i.item().label().equals("person")).findFirst().orElseThrow();
      assertThat(imagesWithClass(store, "person"))
          .extracting(h -> h.stored().parentId())
          .containsExactly(id);
      assertThat(imagesWithClass(store, "car")).isEmpty();
      var hits =
          store
              .items()
              .searchItems(
                  dev.imgsearch.indexer.store.DetectedItem.Kind.OBJECT,
                  person.item().vector(),
                  1,
                  dev.imgsearch.indexer.store.ItemFilter.labels(java.util.Set.of("person")));
      assertThat(hits.get(0).stored().item().id(id)).isEqualTo(person.item().id(id));
    }

    it.produce(eventsTopic, event(ImageEventType.DELETED, key, 2));
    runUntil(settings, embeddingsTopic, rs -> rs.stream().anyMatch(r -> r.value() == null));
    try (VectorStore store = openStore(settings)) {
      assertThat(store.get(id)).isEmpty();
      assertThat(store.items().itemsOf(id)).isEmpty();
      assertThat(imagesWithClass(store, "person")).isEmpty();
    }
  }

  /**
   * The job's settings: {@link JobHarness#jobOptions} of a new run under {@code prefix}, with
   * {@code extra}.
   */
  static EmbedderSettings settings(String prefix, Map<String, String> extra) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> options = it.jobOptions(prefix, run, tmp);
    options.putAll(extra);
    return EmbedderSettings.fromMap(options);
  }

  /** The detection test's job run (parallelism 1), see {@link JobHarness#runUntil}. */
  private static List<ConsumerRecord<byte[], byte[]>> runUntil(
      EmbedderSettings settings,
      String embeddingsTopic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws Exception {
    return it.runUntil(settings, "embedder-detect-it", 1, embeddingsTopic, done);
  }

  static ImageEmbedding embedding(String topic, ConsumerRecord<byte[], byte[]> r) {
    return Topics.EMBEDDINGS.valueSerde().deserializer().deserialize(topic, r.value());
  }

  /** The job's embedded store (576-dimensional vectors of the default model). */
  static VectorStore openStore(EmbedderSettings settings) {
    return VectorStores.open(StoreSettings.embedded(settings.store().path(), "images", 576));
  }

  static List<dev.imgsearch.indexer.store.ItemHit> imagesWithClass(
      VectorStore store, String label) {
    return store
        .items()
        .imagesWithClass(
            java.util.Set.of(label), dev.imgsearch.indexer.store.SearchFilter.NONE, 0, 10);
  }

  static float[] toArray(List<Float> v) {
    float[] a = new float[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    return a;
  }
}
