package dev.imgsearch.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.cli.plan.CapacityModel.Detect;
import dev.imgsearch.schemas.avro.DetectedItem;
import dev.imgsearch.schemas.avro.DetectedKind;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityModelTest {
  static PlanInputs inputs(
      double cameras, double fps, double mp, double days, double skip, Detect detect) {
    return new PlanInputs(cameras, fps, mp, days, skip, detect, 576, 2, 1, 7, 4, 10, 16, 64);
  }

  private static List<Float> vector(int dim) {
    return new ArrayList<>(Collections.nCopies(dim, 0.0417f));
  }

  private static ImageEmbedding.Builder embedding(int dim) {
    return ImageEmbedding.newBuilder()
        .setImageId("3f2a9c1e0b7d4e5f8a6b2c1d0e9f8a7b")
        .setBucket("images")
        .setKey("cam-017/2026/12/05/02/frame-000123.jpg")
        .setSource("cam-017")
        .setCapturedAtMillis(1_780_000_000_000L)
        .setModel("nsfwjs-mobilenetv2-b13@1")
        .setVector(vector(dim))
        .setEventTimeMillis(1_780_000_000_123L)
        .setPhash(0x7a3c_19e2_55d0_81f4L);
  }

  @Test
  void recordSizeConstantsMatchTheAvroEncodingOfTypicalRecords() throws Exception {
    int plain = embedding(576).build().toByteBuffer().remaining();
    assertThat(plain).as("one 576-d ImageEmbedding ≈ 2.4 kB").isBetween(2_400, 2_500);
    assertThat((double) plain).isCloseTo(CapacityModel.embeddingBytes(576, 0, 0), within(40.0));

    DetectedItem object =
        DetectedItem.newBuilder()
            .setKind(DetectedKind.OBJECT)
            .setIndex(0)
            .setLabel("person")
            .setClassId(0)
            .setScore(0.87f)
            .setBox(List.of(0.1f, 0.2f, 0.3f, 0.4f))
            .setModel("centernet-mobilenetv3-coco@1")
            .setVector(vector(576))
            .build();
    DetectedItem face =
        DetectedItem.newBuilder(object)
            .setKind(DetectedKind.FACE)
            .setLabel("face")
            .setClassId(-1)
            .setModel("blazeface+faceres@1")
            .setVector(vector(CapacityModel.FACE_DIMENSION))
            .build();
    int withItems =
        embedding(576).setObjects(List.of(object, object, face)).build().toByteBuffer().remaining();
    assertThat((double) withItems).isCloseTo(CapacityModel.embeddingBytes(576, 2, 1), within(60.0));

    int event =
        ImageEvent.newBuilder()
            .setType(ImageEventType.CREATED)
            .setBucket("images")
            .setKey("cam-017/2026/12/05/02/frame-000123.jpg")
            .setImageId("3f2a9c1e0b7d4e5f8a6b2c1d0e9f8a7b")
            .setEtag("d41d8cd98f00b204e9800998ecf8427e")
            .setSize(44_903L)
            .setContentType("image/jpeg")
            .setSource("cam-017")
            .setCapturedAtMillis(1_780_000_000_000L)
            .setEventTimeMillis(1_780_000_000_123L)
            .build()
            .toByteBuffer()
            .remaining();
    assertThat((double) event).isCloseTo(CapacityModel.EVENT_BYTES, within(40.0));
  }

  @Test
  void jobCostIsTheMeasuredFigureAtBothFrameSizes() {
    assertThat(CapacityModel.jobCoreMs(0.3072)).isCloseTo(14.7, within(1e-9));
    assertThat(CapacityModel.jobCoreMs(2.0)).isCloseTo(18.1, within(1e-9));
    assertThat(CapacityModel.jobCoreMs(1.0)).isBetween(14.8, 18.0);
  }

  @Test
  void tenCamerasWithoutDetection() {
    CapacityPlan p = CapacityModel.plan(inputs(10, 10, 0.3072, 30, 0.75, Detect.NONE));
    assertThat(p.imagesPerSecond()).isEqualTo(100);
    assertThat(p.modelImagesPerSecond()).isEqualTo(25);
    // 25/s × 14.7 core-ms + 75/s × (14.7 − 2.7) core-ms = 1 267.5 core-ms/s, at 70 % busy = 1.81
    double expectedCores = (25 * 14.7 + 75 * (14.7 - 2.7)) / 1000 / 0.7;
    assertThat(p.cores()).isCloseTo(expectedCores, within(1e-9));
    assertThat(p.slots()).isEqualTo(2);
    assertThat(p.taskManagers()).isEqualTo(1);
    assertThat(p.partitions()).isEqualTo(12);
    assertThat(p.frameRows()).isEqualTo(100 * 86_400 * 30.0);
    assertThat(p.objectRows()).isZero();
    assertThat(p.objectBytesPerDay()).isCloseTo(100 * 86_400 * 44_903.0, within(1.0));
    // every frame is a row with a vector today: 259M rows × (2 304 + 128 + 200) B = 682 GB of HNSW
    // → 16 nodes of 64 GB
    double hnsw = 259_200_000.0 * (576 * 4 + 128 + 200);
    assertThat(p.hnswRamBytes()).isCloseTo(hnsw, within(1e3));
    assertThat(p.queryNodesForRam()).isEqualTo(16);
    assertThat(p.representativeRows()).isEqualTo(259_200_000.0 / 4);
    assertThat(p.representativesHnswRamBytes())
        .isCloseTo(hnsw - 0.75 * 259_200_000.0 * (576 * 4 + 128), within(1e3));
  }

  @Test
  void gatingAndDetectionMoveTheCores() {
    double noGate = CapacityModel.plan(inputs(100, 5, 2, 7, 0, Detect.NONE)).cores();
    double gated = CapacityModel.plan(inputs(100, 5, 2, 7, 0.75, Detect.NONE)).cores();
    double objects = CapacityModel.plan(inputs(100, 5, 2, 7, 0.75, Detect.OBJECTS)).cores();
    double faces = CapacityModel.plan(inputs(100, 5, 2, 7, 0.75, Detect.OBJECTS_AND_FACES)).cores();
    assertThat(gated).isLessThan(noGate);
    assertThat(objects - gated).isCloseTo(125 * (95.0 - 14.7) / 1000.0 / 0.7, within(1e-9));
    assertThat(faces - objects).isCloseTo(125 * (106.2 - 95.0 + 30) / 1000.0 / 0.7, within(1e-9));
  }

  @Test
  void aBillionVectorsNeedManyQueryNodesForHnswAndFewerForDiskAnn() {
    // a social feed: 1e9 images over a year, ≈ 31.7 images/s, no gating
    CapacityPlan p = CapacityModel.plan(inputs(1, 1e9 / (365 * 86_400.0), 1, 365, 0, Detect.NONE));
    assertThat(p.frameRows()).isCloseTo(1e9, within(1e3));
    double raw = 1e9 * 576 * 4;
    assertThat(p.hnswRamBytes()).isCloseTo(raw + 1e9 * (128 + 200), within(1e6));
    assertThat(p.diskannRamBytes()).isLessThan(p.ivfSq8RamBytes()).isLessThan(p.hnswRamBytes());
    assertThat(p.queryNodesForRam()).isEqualTo((int) Math.ceil(p.hnswRamBytes() / (64e9 * 0.7)));
    assertThat(p.segments()).isEqualTo(1000);
    assertThat(p.sourcesLimitParallelism()).isFalse();
  }

  @Test
  void fewSourcesLimitParallelism() {
    CapacityPlan p = CapacityModel.plan(inputs(3, 30, 2, 7, 0, Detect.OBJECTS));
    assertThat(p.sourcesLimitParallelism()).isTrue();
    assertThat(p.slots()).isGreaterThan(12);
    assertThat(p.partitions()).isEqualTo(24).isGreaterThanOrEqualTo(p.slots());
  }

  @Test
  void badInputsNameTheOption() {
    assertThatThrownBy(() -> inputs(0, 1, 1, 1, 0, Detect.NONE)).hasMessageContaining("--cameras");
    assertThatThrownBy(() -> inputs(1, 1, 1, 1, 1, Detect.NONE))
        .hasMessageContaining("--gate-skip");
    assertThatThrownBy(() -> inputs(1, Double.NaN, 1, 1, 0, Detect.NONE))
        .hasMessageContaining("--fps");
    assertThatThrownBy(() -> Detect.parse("cats")).hasMessageContaining("--detect");
    assertThat(Detect.parse("objects, faces")).isEqualTo(Detect.OBJECTS_AND_FACES);
  }

  @Test
  void numbersPrintWithUnits() {
    assertThat(CapacityPlan.bytes(2_454)).isEqualTo("2.45 kB");
    assertThat(CapacityPlan.bytes(1.2e15)).isEqualTo("1.2 PB");
    assertThat(CapacityPlan.num(8_640_000)).isEqualTo("8.64M");
    assertThat(CapacityPlan.num(25)).isEqualTo("25");
    assertThat(CapacityPlan.num(999_691_200)).isEqualTo("1G");
    assertThat(CapacityPlan.num(1_296_000)).isEqualTo("1.3M");
  }
}
