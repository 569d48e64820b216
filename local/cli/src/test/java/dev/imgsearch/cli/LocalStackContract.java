package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.indexed;
import static dev.imgsearch.cli.StackClient.put;
import static dev.imgsearch.cli.StackClient.putPhoto;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.ingest.Frames;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.RawFrame;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on real components: photos are put into the bucket through the S3 API; each becomes
 * searchable through the query API; a corrupt image goes to the dead-letter topic and the stream
 * goes on; a deleted object disappears from results. Subclasses choose the vector store.
 */
abstract class LocalStackContract {
  /** Pairs of photos of the same scene (stereo pairs, viewpoint / illumination / edit changes). */
  static final List<List<String>> PAIRS =
      List.of(
          List.of("left01.jpg", "right01.jpg"),
          List.of("aloeL.jpg", "aloeR.jpg"),
          List.of("leuvenA.jpg", "leuvenB.jpg"),
          List.of("graf1.png", "graf3.png"),
          List.of("Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg"),
          List.of("basketball1.png", "basketball2.png"),
          List.of("ela_original.jpg", "ela_modified.jpg"),
          List.of("aero1.jpg", "aero3.jpg"),
          List.of("orange.jpg", "apple.jpg"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The staleness bound of the local stack's Milvus reads (BOUNDED, {@code common.gracefulTime} of
   * the servers the project starts): a change is seen by every read this long after it.
   */
  static final Duration STALENESS_BOUND = Duration.ofSeconds(1);

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  abstract LocalStackSettings settings(Path dataDir);

  static Path photosDir() {
    Path dir = CliJvm.repoRoot().resolve(".tools/photos");
    if (!Files.isRegularFile(dir.resolve(".complete"))) {
      throw new IllegalStateException(
          "test photos missing in " + dir + ": run scripts/test-deps.sh");
    }
    return dir;
  }

  /** The first {@code n} JPEG photos of {@link #photosDir()}, by name. */
  static List<Path> jpegPhotos(int n) throws IOException {
    try (var s = Files.list(photosDir())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().limit(n).toList();
    }
  }

  @Test
  void photosBecomeSearchableCorruptImagesAreDeadLetteredAndDeletesPropagate() throws Exception {
    List<Path> photos;
    try (var s = Files.list(photosDir())) {
      photos = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    assertThat(photos).hasSizeGreaterThanOrEqualTo(20);

    // detection on (issue #14): objects and faces go through the whole pipeline into the store
    try (LocalStack stack =
        LocalStack.start(settings(dataDir), Map.of("detect", "objects,faces"))) {
      MinioClient s3 = StackClient.s3(stack);
      String bucket = stack.settings().bucket();

      // a corrupt "JPEG" first: it must be dead-lettered and must not stop the photos behind it
      put(
          s3,
          bucket,
          "cam-1/corrupt.jpg",
          "this is text, not a JPEG".getBytes(),
          "image/jpeg",
          Map.of("source", "cam-1"));
      for (Path p : photos) {
        putPhoto(s3, bucket, "cam-1/" + p.getFileName(), p, "cam-1");
      }

      String api = stack.queryApiUrl();
      await(
          Duration.ofMinutes(3),
          () ->
              indexed(
                      api,
                      ImageIds.of(bucket, "cam-1/" + photos.get(photos.size() - 1).getFileName()))
                  && photos.stream()
                      .allMatch(
                          p -> indexed(api, ImageIds.of(bucket, "cam-1/" + p.getFileName()))));

      // every photo finds itself first, with score ≥ 0.99, and its pair right after
      for (Path p : photos) {
        JsonNode results = searchByImage(api, Files.readAllBytes(p), 5).get("results");
        assertThat(results.get(0).get("key").asText())
            .as("top hit for " + p.getFileName())
            .isEqualTo("cam-1/" + p.getFileName());
        assertThat(results.get(0).get("score").asDouble()).isGreaterThanOrEqualTo(0.99);
        assertThat(results.get(0).get("source").asText()).isEqualTo("cam-1");
      }
      for (List<String> pair : PAIRS) {
        JsonNode results =
            searchByImage(api, Files.readAllBytes(photosDir().resolve(pair.get(0))), 5)
                .get("results");
        assertThat(results.get(1).get("key").asText())
            .as("second hit for " + pair.get(0))
            .isEqualTo("cam-1/" + pair.get(1));
      }

      // the corrupt image is on the dead-letter topic with its reason
      ConsumerRecord<byte[], byte[]> dead = firstDeadLetter(stack.bootstrapServers());
      assertThat(DeadLetter.header(dead.headers(), DeadLetters.STAGE)).isEqualTo("embedder");
      assertThat(DeadLetter.header(dead.headers(), DeadLetters.REASON))
          .isEqualTo("unsupported-format");
      assertThat(DeadLetter.header(dead.headers(), DeadLetters.IMAGE_ID))
          .isEqualTo(ImageIds.of(bucket, "cam-1/corrupt.jpg"));

      // messi5's player is a person object of its image, with his face; he is found by class
      // without a query image, and by a crop of him
      String messi = ImageIds.of(bucket, "cam-1/messi5.jpg");
      JsonNode items = get(api, "/v1/images/" + messi + "/objects");
      assertThat(items.get("objects")).anyMatch(o -> o.get("label").asText().equals("person"));
      assertThat(items.get("faces")).isNotEmpty();
      assertThat(imageIdsOf(get(api, "/v1/objects/images?class=person&k=100")))
          .contains(messi, ImageIds.of(bucket, "cam-1/basketball1.png"));
      byte[] messi5 = Files.readAllBytes(photosDir().resolve("messi5.jpg"));
      JsonNode byCrop =
          post(api, "/v1/objects/search?class=person&k=3&box=0.1,0.15,0.85,1", messi5);
      assertThat(byCrop.get("results").get(0).get("item").get("imageId").asText()).isEqualTo(messi);
      // deleting the image removes its objects and faces: they live in their own collection, so a
      // bounded-staleness reader (Milvus BOUNDED) may see them for up to its bound (1 s here) after
      // it no longer sees the image
      s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object("cam-1/messi5.jpg").build());
      await(Duration.ofSeconds(60), () -> !indexed(api, messi));
      await(STALENESS_BOUND.multipliedBy(5), () -> itemsGone(api, messi));
      JsonNode gone = get(api, "/v1/images/" + messi + "/objects");
      assertThat(gone.get("objects")).isEmpty();
      assertThat(gone.get("faces")).isEmpty();
      assertThat(imageIdsOf(get(api, "/v1/objects/images?class=person&k=100")))
          .doesNotContain(messi);

      // deleting an object removes it from results
      String victim = "cam-1/" + PAIRS.get(1).get(1);
      s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(victim).build());
      await(Duration.ofSeconds(60), () -> !indexed(api, ImageIds.of(bucket, victim)));
      JsonNode after =
          searchByImage(api, Files.readAllBytes(photosDir().resolve(PAIRS.get(1).get(0))), 10)
              .get("results");
      List<String> keys = new ArrayList<>();
      after.forEach(r -> keys.add(r.get("key").asText()));
      assertThat(keys).doesNotContain(victim).contains("cam-1/" + PAIRS.get(1).get(0));

      // a camera publishes a raw frame to Kafka: stored in the bucket first (claim-check), then
      // indexed like an upload
      byte[] frame = Files.readAllBytes(photosDir().resolve(PAIRS.get(1).get(1)));
      long capturedAt = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
      String frameKey = Frames.objectKey("cam-2", capturedAt, "frame-1", "jpg");
      publishFrame(stack.bootstrapServers(), frame, "cam-2", "frame-1", capturedAt);
      await(Duration.ofMinutes(1), () -> indexed(api, ImageIds.of(bucket, frameKey)));
      JsonNode top = searchByImage(api, frame, 1).get("results").get(0);
      assertThat(top.get("key").asText()).isEqualTo(frameKey);
      assertThat(top.get("source").asText()).isEqualTo("cam-2");
      assertThat(frameKey).startsWith("cam-2/2026/01/01/00/");
    }
  }

  private static void publishFrame(
      String bootstrap, byte[] jpeg, String source, String id, long capturedAt) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              RawFrame.of(jpeg, "image/jpeg", source)
                  .id(id)
                  .capturedAtMillis(capturedAt)
                  .toRecord(Topics.RAW_FRAMES.name()))
          .get();
    }
  }

  private JsonNode searchByImage(String api, byte[] image, int k) throws Exception {
    return post(api, "/v1/search?k=" + k, image);
  }

  private JsonNode post(String api, String path, byte[] image) throws Exception {
    return ok(
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
            .build());
  }

  /** No object or face of {@code imageId} is listed any more, by image or by class. */
  private boolean itemsGone(String api, String imageId) {
    try {
      JsonNode left = get(api, "/v1/images/" + imageId + "/objects");
      return left.get("objects").isEmpty()
          && left.get("faces").isEmpty()
          && !imageIdsOf(get(api, "/v1/objects/images?class=person&k=100")).contains(imageId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode get(String api, String path) throws Exception {
    return ok(HttpRequest.newBuilder(URI.create(api + path)).build());
  }

  private JsonNode ok(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(request.uri() + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> imageIdsOf(JsonNode hits) {
    List<String> ids = new ArrayList<>();
    hits.get("results").forEach(h -> ids.add(h.get("item").get("imageId").asText()));
    return ids;
  }

  private static ConsumerRecord<byte[], byte[]> firstDeadLetter(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", "it-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.DEAD_LETTERS.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          return r;
        }
      }
    }
    throw new AssertionError("no dead letter within 60 s");
  }

  static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(250);
    }
  }
}
