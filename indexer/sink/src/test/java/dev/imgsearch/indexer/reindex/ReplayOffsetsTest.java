package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ReplayOffsetsTest {
  static final TopicPartition P0 = new TopicPartition("t", 0);
  static final TopicPartition P1 = new TopicPartition("t", 1);

  @Test
  void aRoundReadsUpToTheEndCapturedAtItsStartThenTheNextRoundTheRest() {
    ReplayOffsets o =
        new ReplayOffsets(Map.of(P0, 0L, P1, 5L)); // P1's log starts at 5 (compacted/deleted head)
    assertThat(o.startRound(Map.of(P0, 3L, P1, 5L))).isEqualTo(3);
    assertThat(o.done(P1)).as("empty partition").isTrue();
    assertThat(o.accept(P0, 0)).isTrue();
    assertThat(o.accept(P0, 0)).as("already read").isFalse();
    assertThat(o.accept(P0, 2)).isTrue(); // offset 1 compacted away
    assertThat(o.roundDone()).isTrue();
    assertThat(o.accept(P0, 3)).as("written after the round's end").isFalse();
    assertThat(o.positions()).containsEntry(P0, 3L).containsEntry(P1, 5L);

    assertThat(o.startRound(Map.of(P0, 4L, P1, 7L))).isEqualTo(3);
    assertThat(o.accept(P0, 3)).isTrue();
    assertThat(o.accept(P1, 5)).isTrue();
    assertThat(o.roundDone()).isFalse();
    o.advanceTo(P1, 9); // a control record at 6; the consumer's position is past the end
    assertThat(o.positions()).containsEntry(P1, 7L);
    assertThat(o.roundDone()).isTrue();
    assertThat(o.lag()).isZero();
  }

  @Test
  void gapsAtTheEndOfARoundAreSkippedByThePosition() {
    ReplayOffsets o = new ReplayOffsets(Map.of(P0, 0L));
    o.startRound(Map.of(P0, 10L));
    assertThat(o.accept(P0, 4)).isTrue();
    assertThat(o.done(P0)).isFalse();
    o.advanceTo(P0, 10);
    assertThat(o.done(P0)).isTrue();
  }

  @Test
  void endOffsetsMustCoverTheSamePartitionsAndNeverMoveBack() {
    ReplayOffsets o = new ReplayOffsets(Map.of(P0, 4L));
    assertThatThrownBy(() -> o.startRound(Map.of(P1, 1L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(o.startRound(Map.of(P0, 2L))).isZero();
    assertThat(o.roundDone()).isTrue();
  }
}
