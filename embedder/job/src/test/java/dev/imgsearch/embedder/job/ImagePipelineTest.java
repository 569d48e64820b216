package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.PerceptualHash;
import dev.imgsearch.embedder.image.TestImages;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.embedder.model.Vectors;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stage without Flink: order, deletions, missing objects, dead letters, one model call per
 * batch.
 */
class ImagePipelineTest extends EmbedderPerClass {
  static KafkaRecord record(ImageEventType type, String key, long offset) {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setImageId(ImageIds.of("images", key))
            .setType(type)
            .setBucket("images")
            .setKey(key)
            .setSource("cam-1")
            .setTags(List.of("door"))
            .setEventTimeMillis(1000 + offset)
            .build();
    byte[] value = Topics.IMAGE_EVENTS.valueSerde().serializer().serialize("t", e);
    return new KafkaRecord("t", 0, offset, e.getImageId().getBytes(), value);
  }

  @Test
  void aBatchKeepsArrivalOrderAndRoutesEveryKindOfRecord() throws Exception {
    objects.put("images/a.jpg", TestImages.encode(TestImages.scene(400, 300, 1), "jpg"));
    objects.put("images/b.png", TestImages.encode(TestImages.scene(300, 400, 2), "png"));
    objects.put("images/bad.jpg", "not an image".getBytes());
    ImagePipeline pipeline = new ImagePipeline(fetcher, embedder);
    List<KafkaRecord> records =
        List.of(
            record(ImageEventType.CREATED, "a.jpg", 0),
            record(ImageEventType.CREATED, "bad.jpg", 1),
            record(ImageEventType.DELETED, "a.jpg", 2),
            record(ImageEventType.CREATED, "gone.jpg", 3),
            new KafkaRecord("t", 0, 4, null, new byte[] {1, 2, 3}),
            record(ImageEventType.CREATED, "b.png", 5));
    List<ImagePipeline.Prepared> prepared = new ArrayList<>();
    for (KafkaRecord r : records) {
      prepared.add(pipeline.prepare(r));
    }
    ImagePipeline.Completed done = pipeline.complete(prepared);

    assertThat(done.changes())
        .extracting(c -> (c.deleted ? "-" : "+") + c.key + (c.deleted ? c.imageId : ""))
        .containsExactly("+a.jpg", "-null" + ImageIds.of("images", "a.jpg"), "+b.png");
    assertThat(done.embedded()).isEqualTo(2);
    assertThat(done.deleted()).isEqualTo(1);
    assertThat(done.missing()).isEqualTo(1);
    assertThat(done.modelCalls()).isEqualTo(1); // both images in one call
    assertThat(done.deadLetters())
        .extracting(DeadLetter::reason)
        .containsExactly("unsupported-format", "undecodable-event");
    assertThat(done.deadLetters().get(0).imageId()).isEqualTo(ImageIds.of("images", "bad.jpg"));
    assertThat(done.deadLetters().get(0).originalOffset()).isEqualTo(1);
    assertThat(done.deadLetters().get(1).value()).containsExactly(1, 2, 3);

    EmbeddingChange a = done.changes().get(0);
    assertThat(a.model).isEqualTo("nsfwjs-mobilenetv2-b13@1");
    assertThat(a.vector).hasSize(576);
    assertThat(a.tags).containsExactly("door");
    assertThat(a.capturedAtMillis).isEqualTo(1000); // falls back to the event time
    assertThat(a.phash)
        .isEqualTo(PerceptualHash.of(embedder.decoder().decode(objects.get("images/a.jpg"))));
    // batched vectors equal single-image vectors
    assertThat(Vectors.cosine(a.vector, embedder.embed(objects.get("images/a.jpg"))))
        .isGreaterThan(0.99999);
  }

  static KafkaRecord record(ImageEvent e, long offset) {
    byte[] value = Topics.IMAGE_EVENTS.valueSerde().serializer().serialize("t", e);
    return new KafkaRecord("t", 0, offset, e.getImageId().getBytes(), value);
  }

  static ImageEvent.Builder created(String key) {
    return ImageEvent.newBuilder()
        .setImageId(ImageIds.of("images", key))
        .setType(ImageEventType.CREATED)
        .setBucket("images")
        .setKey(key)
        .setSource("cam-1")
        .setTags(List.of())
        .setEventTimeMillis(1000);
  }

  @Test
  void anEventOverTheFieldLimitsIsDeadLetteredBeforeItIsFetched() throws Exception {
    List<String> fetched = new ArrayList<>();
    ImagePipeline pipeline =
        new ImagePipeline(
            (b, k) -> {
              fetched.add(k);
              return Optional.of(TestImages.encode(TestImages.scene(300, 300, 1), "png"));
            },
            embedder);
    List<String> fortyTags = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      fortyTags.add("t" + i);
    }
    ImageEvent tooManyTags = created("a.jpg").setTags(fortyTags).build();
    ImageEvent longSource = created("b.jpg").setSource("s".repeat(1025)).build();
    ImageEvent longTag = created("c.jpg").setTags(List.of("é".repeat(513))).build();
    ImageEvent longId = created("d.jpg").setImageId("x".repeat(65)).build();
    ImageEvent deleteWithLongId =
        created("e.jpg").setType(ImageEventType.DELETED).setImageId("y".repeat(65)).build();
    long offset = 0;
    for (ImageEvent e : List.of(tooManyTags, longSource, longTag, longId, deleteWithLongId)) {
      ImagePipeline.Prepared p = pipeline.prepare(record(e, offset++));
      assertThat(p).as(e.getKey()).isInstanceOf(ImagePipeline.Rejected.class);
      DeadLetter letter = ((ImagePipeline.Rejected) p).letter();
      assertThat(letter.reason()).isEqualTo(dev.imgsearch.schemas.FieldLimits.REASON);
      assertThat(letter.originalOffset()).isEqualTo(offset - 1);
    }
    assertThat(
            ((ImagePipeline.Rejected) pipeline.prepare(record(tooManyTags, 9))).letter().detail())
        .contains("40 tags");
    assertThat(fetched).isEmpty();

    // exactly at the limits: fetched and decoded
    List<String> thirtyTwo = fortyTags.subList(0, 32);
    ImageEvent atLimit = created("f.jpg").setTags(thirtyTwo).setSource("s".repeat(1024)).build();
    assertThat(pipeline.prepare(record(atLimit, 10))).isInstanceOf(ImagePipeline.Decoded.class);
    assertThat(fetched).containsExactly("f.jpg");
  }

  @Test
  void anObjectTheFetcherRefusesIsDeadLetteredWithItsReason() throws Exception {
    List<Long> sizes = new ArrayList<>();
    ImagePipeline pipeline =
        new ImagePipeline(
            new ObjectFetcher() {
              @Override
              public Optional<byte[]> fetch(String bucket, String key) {
                throw new AssertionError("the size must be passed on");
              }

              @Override
              public Optional<byte[]> fetch(String bucket, String key, Long size)
                  throws IOException {
                sizes.add(size);
                throw new ObjectRejectedException(
                    key.startsWith("big") ? FetchErrors.OBJECT_TOO_LARGE : FetchErrors.FETCH_FAILED,
                    key + ": AccessDenied HTTP 403",
                    null);
              }
            },
            embedder);
    ImagePipeline.Prepared big =
        pipeline.prepare(record(created("big.jpg").setSize(1L << 40).build(), 0));
    ImagePipeline.Prepared denied = pipeline.prepare(record(created("denied.jpg").build(), 1));
    assertThat(((ImagePipeline.Rejected) big).letter().reason())
        .isEqualTo(FetchErrors.OBJECT_TOO_LARGE);
    assertThat(((ImagePipeline.Rejected) denied).letter().reason())
        .isEqualTo(FetchErrors.FETCH_FAILED);
    assertThat(((ImagePipeline.Rejected) denied).letter().detail()).contains("AccessDenied");
    assertThat(sizes).containsExactly(1L << 40, null);
  }

  @Test
  void objectStoreErrorsPropagate() {
    ImagePipeline pipeline =
        new ImagePipeline(
            (b, k) -> {
              throw new IOException("connection refused");
            },
            embedder);
    assertThatThrownBy(() -> pipeline.prepare(record(ImageEventType.CREATED, "a.jpg", 0)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aModelErrorRejectsOnlyTheImageThatCausedIt(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // "times two" + average pooling + L2: an all-black image gives the zero vector, which cannot be
    // normalised
    try (InputStream in = getClass().getResourceAsStream("/test-models/nhwc-times-two.onnx")) {
      java.nio.file.Files.write(dir.resolve("model.onnx"), in.readAllBytes());
    }
    java.nio.file.Files.writeString(
        dir.resolve("model.json"),
        """
        {"id": "t", "version": "1", "input": "image", "output": "features", "layout": "NHWC", "width": 8, "height": 8,
         "scale": 0.00392156862745098, "pooling": "GAP", "outputLayout": "NHWC", "dimension": 3, "l2Normalize": true}
        """);
    objects.put("images/red.png", TestImages.encode(solid(0xFF0000), "png"));
    objects.put("images/black.png", TestImages.encode(solid(0), "png"));
    try (OnnxImageEmbedder tiny =
        OnnxImageEmbedder.fromDirectory(dir, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT)) {
      ImagePipeline pipeline = new ImagePipeline(fetcher, tiny);
      List<ImagePipeline.Prepared> batch = new ArrayList<>();
      for (String key : List.of("red.png", "black.png", "red.png")) {
        batch.add(pipeline.prepare(record(ImageEventType.CREATED, key, batch.size())));
      }
      ImagePipeline.Completed done = pipeline.complete(batch);
      assertThat(done.embedded()).isEqualTo(2);
      assertThat(done.modelCalls()).isEqualTo(4); // the batch, then each image alone
      assertThat(done.deadLetters())
          .extracting(DeadLetter::reason)
          .containsExactly(ImagePipeline.MODEL_ERROR);
      assertThat(done.deadLetters().get(0).imageId()).isEqualTo(ImageIds.of("images", "black.png"));
      assertThat(done.changes().get(0).vector)
          .containsExactly(new float[] {1f, 0f, 0f}, org.assertj.core.api.Assertions.within(1e-6f));
    }
  }

  static java.awt.image.BufferedImage solid(int rgb) {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }
}
