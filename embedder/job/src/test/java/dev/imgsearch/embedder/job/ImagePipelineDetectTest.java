package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.detect.DetectMode;
import dev.imgsearch.embedder.detect.FaceDetector;
import dev.imgsearch.embedder.detect.FrameDetector;
import dev.imgsearch.embedder.detect.ObjectDetector;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Detection inside the frames, on real photos (embedder-core's test resources), without Flink. */
class ImagePipelineDetectTest extends EmbedderPerClass {
  static FrameDetector detector;

  @BeforeAll
  static void loadDetector() {
    detector =
        FrameDetector.load(
            DetectMode.parse("objects,faces"),
            ObjectDetector.Options.DEFAULT,
            FaceDetector.Options.DEFAULT,
            OnnxOptions.DEFAULT);
  }

  @AfterAll
  static void closeDetector() {
    detector.close();
  }

  static byte[] photo(String name) throws IOException {
    try (InputStream in =
        ImagePipelineDetectTest.class.getResourceAsStream("/photos-detect/" + name)) {
      return in.readAllBytes();
    }
  }

  private ImagePipeline.Completed run(FrameItems.Detector d, String... keys) throws IOException {
    ImagePipeline pipeline = new ImagePipeline(fetcher, embedder, d);
    List<ImagePipeline.Prepared> prepared = new ArrayList<>();
    long offset = 0;
    for (String key : keys) {
      prepared.add(
          pipeline.prepare(ImagePipelineTest.record(ImageEventType.CREATED, key, offset++)));
    }
    prepared.add(
        pipeline.prepare(ImagePipelineTest.record(ImageEventType.DELETED, "gone.jpg", offset)));
    return pipeline.complete(prepared);
  }

  @Test
  void objectsAndFacesComeOutWithTheirVectorsOnTheChangeTheIndexAndTheTopic() throws Exception {
    objects.put("images/messi5.jpg", photo("messi5.jpg"));
    objects.put("images/basketball1.jpg", photo("basketball1.jpg"));
    ImagePipeline.Completed done = run(detector::detect, "messi5.jpg", "basketball1.jpg");

    assertThat(done.deadLetters()).isEmpty();
    assertThat(done.changes()).hasSize(3);
    assertThat(done.changes().get(2).deleted).isTrue(); // deletions pass through
    assertThat(done.objects()).isGreaterThanOrEqualTo(2);
    assertThat(done.faces()).isGreaterThanOrEqualTo(1);
    assertThat(done.detectNanos()).isPositive();
    EmbeddingChange messi = done.changes().get(0);
    assertThat(messi.vector).hasSize(576); // the frame is still there
    DetectedItem person =
        messi.items.stream()
            .filter(i -> i.kind() == DetectedItem.Kind.OBJECT && i.label().equals("person"))
            .findFirst()
            .orElseThrow();
    assertThat(person.vector()).hasSize(576);
    assertThat(norm(person.vector())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(person.model()).isEqualTo(embedder.modelId());
    assertThat(person.box()[2]).isGreaterThan(person.box()[0]);
    assertThat(cosine(person.vector(), messi.vector))
        .isLessThan(0.999); // the crop's, not the frame's vector
    DetectedItem face =
        done.changes().stream()
            .flatMap(c -> c.items.stream())
            .filter(i -> i.kind() == DetectedItem.Kind.FACE)
            .findFirst()
            .orElseThrow();
    assertThat(face.vector()).hasSize(1024);
    assertThat(norm(face.vector())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(face.label()).isEqualTo("face");

    IndexAction action = Records.toIndexAction(messi);
    assertThat(action.record().items()).isEqualTo(messi.items);
    for (EmbeddingChange c :
        done.changes().subList(0, 2)) { // what both stores accept, faces at their default
      DetectedItems.check(
          Records.toIndexAction(c).record(), 576, DetectedItems.DEFAULT_FACE_DIMENSION);
    }
    ImageEmbedding avro = Records.toAvro(messi);
    List<DetectedItem> back = DetectedItems.fromAvro(avro.getObjects());
    assertThat(back).hasSameSizeAs(messi.items);
    assertThat(back.get(0).label()).isEqualTo(messi.items.get(0).label());
    assertThat(back.get(0).vector()).containsExactly(messi.items.get(0).vector());
  }

  @Test
  void withoutADetectorThereAreNoItems() throws Exception {
    objects.put("images/messi5.jpg", photo("messi5.jpg"));
    ImagePipeline.Completed done = run(null, "messi5.jpg");
    assertThat(done.changes().get(0).items).isEmpty();
    assertThat(done.objects()).isZero();
    assertThat(Records.toAvro(done.changes().get(0)).getObjects()).isEmpty();
    assertThat(Records.toIndexAction(done.changes().get(0)).record().items()).isEmpty();
  }

  @Test
  void aFailingDetectorKeepsTheFrameAndDeadLettersItsItems() throws Exception {
    objects.put("images/messi5.jpg", photo("messi5.jpg"));
    objects.put("images/basketball1.jpg", photo("basketball1.jpg"));
    FrameItems.Detector failsOnMessi =
        frame -> {
          if (frame.getWidth() == decodedWidth("messi5.jpg")) {
            throw new IllegalStateException("detector broke");
          }
          return detector.detect(frame);
        };
    ImagePipeline.Completed done = run(failsOnMessi, "messi5.jpg", "basketball1.jpg");

    assertThat(done.changes()).hasSize(3);
    assertThat(done.changes().get(0).vector).hasSize(576);
    assertThat(done.changes().get(0).items).isEmpty();
    assertThat(done.changes().get(1).items).isNotEmpty(); // the other frame keeps its items
    assertThat(done.detectionFailures()).isEqualTo(1);
    assertThat(done.deadLetters()).hasSize(1);
    DeadLetter letter = done.deadLetters().get(0);
    assertThat(letter.reason()).isEqualTo(ImagePipeline.DETECTION_FAILED);
    assertThat(letter.detail()).contains("detector broke");
    assertThat(letter.imageId()).isEqualTo(done.changes().get(0).imageId);
  }

  @Test
  void framesAreDecodedForTheDetectorNotOnlyForTheFrameModel() throws Exception {
    byte[] camera =
        dev.imgsearch.embedder.image.TestImages.encode(
            dev.imgsearch.embedder.image.TestImages.scene(1632, 1224, 7), "jpg");
    objects.put("images/camera.jpg", camera);
    KafkaRecord r = ImagePipelineTest.record(ImageEventType.CREATED, "camera.jpg", 0);
    var plain = (ImagePipeline.Decoded) new ImagePipeline(fetcher, embedder).prepare(r);
    var detecting =
        (ImagePipeline.Decoded) new ImagePipeline(fetcher, embedder, detector::detect).prepare(r);
    assertThat(plain.upright()).isNull(); // nothing kept without detection
    int forModel =
        Math.min(
            embedder.decoder().decode(camera).getWidth(),
            embedder.decoder().decode(camera).getHeight());
    int forDetector = Math.min(detecting.upright().getWidth(), detecting.upright().getHeight());
    assertThat(forDetector)
        .isGreaterThanOrEqualTo(FrameItems.DETECT_SHORTER_SIDE)
        .isGreaterThan(forModel);
    assertThat(detecting.image().getWidth())
        .isEqualTo(plain.image().getWidth()); // the model input is the same size
    assertThat(
            ImagePipeline.forDetection(dev.imgsearch.embedder.image.DecodeLimits.DEFAULT)
                .targetShorterSide())
        .isEqualTo(FrameItems.DETECT_SHORTER_SIDE);
  }

  private static int decodedWidth(String name) {
    try {
      return embedder.decoder().decode(photo(name)).getWidth();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static double cosine(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s / (norm(a) * norm(b));
  }
}
