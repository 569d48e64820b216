package dev.imgsearch.embedder.job;

import static dev.imgsearch.embedder.job.GatedFrames.created;
import static dev.imgsearch.embedder.job.GatedFrames.deleted;
import static dev.imgsearch.embedder.job.GatedFrames.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.gate.SceneGate;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The gated embedding step as Flink runs it: keyed by {@link SceneKey}, the scenes in keyed state
 * survive a checkpoint and a restore at a higher parallelism, each source on the instance that owns
 * its key.
 */
class EmbedOperatorGatingTest {
  static final int MAX_PARALLELISM = 128;

  static EmbedOperator operator() {
    return GatedFrames.operator(16, Duration.ofHours(1), 1, SceneGate.Settings.DEFAULT);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, KafkaRecord, EmbeddingChange> harness(
      int parallelism, int subtask) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        operator(), new SceneKey(), Types.STRING, MAX_PARALLELISM, parallelism, subtask);
  }

  static int subtaskOf(String source, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
        SceneKey.ofSource(source), MAX_PARALLELISM, parallelism);
  }

  static String representativeOf(List<EmbeddingChange> out, String imageId) {
    return out.stream()
        .filter(c -> c.imageId.equals(imageId))
        .findFirst()
        .orElseThrow()
        .representativeId;
  }

  @Test
  void scenesSurviveACheckpointAndARestoreOnTwoInstances() throws Exception {
    // two sources that land on different instances at parallelism 2
    String a = "cam-1";
    String b = null;
    for (int i = 2; b == null; i++) {
      if (subtaskOf("cam-" + i, 2) != subtaskOf(a, 2)) {
        b = "cam-" + i;
      }
    }
    OperatorSubtaskState snapshot;
    try (var h = harness(1, 0)) {
      h.open();
      h.processElement(new StreamRecord<>(created(a, 501, 0)));
      h.processElement(new StreamRecord<>(created(a, 502, 1)));
      h.processElement(new StreamRecord<>(created(b, 505, 2)));
      h.processElement(new StreamRecord<>(deleted(null, 499, 3)));
      h.prepareSnapshotPreBarrier(1); // flushes the micro-batch
      snapshot = h.snapshot(1, 1);
      List<EmbeddingChange> out = h.extractOutputValues();
      assertThat(out).hasSize(4);
      assertThat(representativeOf(out, id(a, 501))).isNull();
      assertThat(representativeOf(out, id(a, 502))).isEqualTo(id(a, 501));
      assertThat(representativeOf(out, id(b, 505))).isNull();
      assertThat(out.get(3).deleted).isTrue();
      assertThat(h.numKeyedStateEntries()).isEqualTo(2);
    }

    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              snapshot, MAX_PARALLELISM, 1, 2, subtask);
      try (var h = harness(2, subtask)) {
        h.initializeState(part);
        h.open();
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        String source = subtaskOf(a, 2) == subtask ? a : b;
        int frame = source.equals(a) ? 503 : 506;
        h.processElement(new StreamRecord<>(created(source, frame, 10)));
        h.prepareSnapshotPreBarrier(2);
        List<EmbeddingChange> out = h.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).representativeId)
            .as("frame %d of %s after the restore", frame, source)
            .isEqualTo(source.equals(a) ? id(a, 501) : id(b, 505));
        assertThat(out.get(0).sceneStartMillis).isEqualTo(source.equals(a) ? 50_100L : 50_500L);
      }
    }
  }

  @Test
  void withoutAKeyedStreamGatingRefusesToStart() throws Exception {
    try (var h =
        new org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness<
            KafkaRecord, EmbeddingChange>(operator())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(h::open)
          .hasMessageContaining("keyed by SceneKey");
    }
  }
}
