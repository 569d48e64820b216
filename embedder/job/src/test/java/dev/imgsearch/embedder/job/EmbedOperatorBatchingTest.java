package dev.imgsearch.embedder.job;

import static dev.imgsearch.embedder.job.GatedFrames.created;
import static dev.imgsearch.embedder.job.GatedFrames.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.SceneGate;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching as Flink runs it: a full batch goes through the model when {@link
 * EmbedOperator#DECODE_AHEAD} images are behind it (so their decodes overlap the model call), at
 * its own deadline, or before a checkpoint barrier — never later, and always in arrival order.
 */
class EmbedOperatorBatchingTest {
  static final Duration MAX_DELAY = Duration.ofSeconds(10);

  /** vtest frames of the test resources, different enough to be told apart. */
  static final int[] FRAMES = {101, 201, 301, 431};

  /** An operator batching {@code batchSize} images, opened at processing time 0. */
  static OneInputStreamOperatorTestHarness<KafkaRecord, EmbeddingChange> harness(int batchSize)
      throws Exception {
    var h =
        new OneInputStreamOperatorTestHarness<>(
            GatedFrames.operator(batchSize, MAX_DELAY, 2, SceneGate.Settings.OFF));
    h.setProcessingTime(0);
    h.open();
    return h;
  }

  /** Frames {@code from} (inclusive) to {@code to} (exclusive) of camera "cam", in order. */
  static void send(
      OneInputStreamOperatorTestHarness<KafkaRecord, EmbeddingChange> h, int from, int to)
      throws Exception {
    for (int n = from; n < to; n++) {
      h.processElement(new StreamRecord<>(created("cam", FRAMES[n], n)));
    }
  }

  static List<String> ids(OneInputStreamOperatorTestHarness<KafkaRecord, EmbeddingChange> h) {
    return h.extractOutputValues().stream().map(c -> c.imageId).toList();
  }

  @Test
  void aFullBatchWaitsForTheNextOneOrItsDeadline() throws Exception {
    try (var h = harness(EmbedOperator.DECODE_AHEAD)) {
      sendCameras(h, 0, EmbedOperator.DECODE_AHEAD);
      assertThat(ids(h)).as("full, decoding while the next batch fills").isEmpty();
      sendCameras(h, EmbedOperator.DECODE_AHEAD, 2 * EmbedOperator.DECODE_AHEAD);
      assertThat(ids(h)).isEqualTo(cameraIds(0, EmbedOperator.DECODE_AHEAD));
      h.setProcessingTime(MAX_DELAY.toMillis()); // the later batches' deadline
      assertThat(ids(h)).isEqualTo(cameraIds(0, 2 * EmbedOperator.DECODE_AHEAD));
    }
  }

  @Test
  void smallBatchesWaitUntilDecodeAheadImagesAreBehindThem() throws Exception {
    try (var h = harness(2)) {
      sendCameras(h, 0, EmbedOperator.DECODE_AHEAD);
      assertThat(ids(h)).as("eight full batches, all still decoding ahead").isEmpty();
      sendCameras(h, EmbedOperator.DECODE_AHEAD, EmbedOperator.DECODE_AHEAD + 3);
      assertThat(ids(h))
          .as("the first batch has 16 images behind it, the second only 15")
          .isEqualTo(cameraIds(0, 2));
      h.prepareSnapshotPreBarrier(1);
      assertThat(ids(h)).isEqualTo(cameraIds(0, EmbedOperator.DECODE_AHEAD + 3));
    }
  }

  @Test
  void heldBatchesLeaveAtTheirOwnDeadlines() throws Exception {
    try (var h = harness(1)) {
      h.setProcessingTime(0);
      sendCameras(h, 0, 2);
      h.setProcessingTime(MAX_DELAY.toMillis() / 2);
      sendCameras(h, 2, 3);
      h.setProcessingTime(MAX_DELAY.toMillis());
      assertThat(ids(h))
          .as("the two older ones are due, the third not yet")
          .isEqualTo(cameraIds(0, 2));
      h.setProcessingTime(MAX_DELAY.toMillis() * 3 / 2);
      assertThat(ids(h)).isEqualTo(cameraIds(0, 3));
    }
  }

  /** Image {@code i} of a run over several cameras: camera {@code i / 4}, frame {@code i % 4}. */
  static void sendCameras(
      OneInputStreamOperatorTestHarness<KafkaRecord, EmbeddingChange> h, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      h.processElement(new StreamRecord<>(created("cam" + i / 4, FRAMES[i % 4], i)));
    }
  }

  static List<String> cameraIds(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> id("cam" + i / 4, FRAMES[i % 4])).toList();
  }

  @Test
  void aCheckpointBarrierFlushesTheReadyAndTheOpenBatchInOrder() throws Exception {
    try (var h = harness(2)) {
      send(h, 0, 3);
      assertThat(ids(h)).isEmpty();
      h.prepareSnapshotPreBarrier(1);
      assertThat(ids(h))
          .containsExactly(id("cam", FRAMES[0]), id("cam", FRAMES[1]), id("cam", FRAMES[2]));
      assertThat(h.extractOutputValues()).allSatisfy(c -> assertThat(c.vector).hasSize(576));
    }
  }

  @Test
  void batchesOfOneStillLeaveAtTheirDeadline() throws Exception {
    try (var h = harness(1)) {
      send(h, 0, 1);
      h.setProcessingTime(MAX_DELAY.toMillis());
      assertThat(ids(h)).containsExactly(id("cam", FRAMES[0]));
    }
  }
}
