package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A deletion that overtook a creation of the same image keeps the image deleted; newer changes
 * pass.
 */
class LatestChangeOnlyTest {
  static EmbeddingChange upsert(String id, long eventTime) {
    EmbeddingChange c = new EmbeddingChange();
    c.imageId = id;
    c.vector = new float[] {1};
    c.eventTimeMillis = eventTime;
    return c;
  }

  @Test
  void aCreationOlderThanTheLastChangeOfItsImageIsDropped() throws Exception {
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<String, EmbeddingChange, EmbeddingChange>(
            new KeyedProcessOperator<>(new LatestChangeOnly()), c -> c.imageId, Types.STRING)) {
      h.open();
      h.processElement(
          new StreamRecord<>(EmbeddingChange.deletion("a", 200))); // overtook the creation at 100
      h.processElement(new StreamRecord<>(upsert("a", 100)));
      h.processElement(new StreamRecord<>(upsert("b", 100))); // another image: its own time
      h.processElement(new StreamRecord<>(upsert("a", 300))); // uploaded again later
      h.processElement(new StreamRecord<>(upsert("a", 300))); // a replay of the same change passes
      assertThat(h.extractOutputValues())
          .extracting(c -> (c.deleted ? "-" : "+") + c.imageId + "@" + c.eventTimeMillis)
          .containsExactly("-a@200", "+b@100", "+a@300", "+a@300");
    }
  }

  @Test
  void staleness() {
    assertThat(LatestChangeOnly.isStale(null, 5)).isFalse();
    assertThat(LatestChangeOnly.isStale(5L, 5)).isFalse();
    assertThat(LatestChangeOnly.isStale(5L, 4)).isTrue();
  }
}
