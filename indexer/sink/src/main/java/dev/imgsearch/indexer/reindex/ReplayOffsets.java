package dev.imgsearch.indexer.reindex;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Offset bookkeeping of a bounded replay: per partition the next offset to read and the end offset
 * of the current round (captured when the round starts). A record is part of the round when it lies
 * between the two; a partition is done when its position has reached the round's end (a compacted
 * topic has gaps, so positions can jump). Pure.
 */
final class ReplayOffsets {
  private final Map<TopicPartition, Long> position;
  private final Map<TopicPartition, Long> end = new HashMap<>();

  /**
   * @param start the first offset to read per partition (the log start offsets for a full replay)
   */
  ReplayOffsets(Map<TopicPartition, Long> start) {
    this.position = new HashMap<>(start);
  }

  /**
   * Starts a round that reads up to (excluding) {@code ends}; returns how many offsets it covers
   * (the lag).
   *
   * @throws IllegalArgumentException when {@code ends} names other partitions than the start
   */
  long startRound(Map<TopicPartition, Long> ends) {
    if (!ends.keySet().equals(position.keySet())) {
      throw new IllegalArgumentException(
          "end offsets for " + ends.keySet() + ", replaying " + position.keySet());
    }
    end.clear();
    for (var e : ends.entrySet()) {
      end.put(e.getKey(), Math.max(e.getValue(), position.get(e.getKey())));
    }
    return lag();
  }

  /**
   * Whether the record at {@code offset} belongs to this round; if so the position moves past it.
   */
  boolean accept(TopicPartition tp, long offset) {
    long pos = position.get(tp);
    if (offset < pos || offset >= end.getOrDefault(tp, pos)) {
      return false;
    }
    position.put(tp, offset + 1);
    return true;
  }

  /** The consumer's position moved (past gaps or control records); never beyond the round's end. */
  void advanceTo(TopicPartition tp, long consumerPosition) {
    long limit = end.getOrDefault(tp, position.get(tp));
    position.merge(tp, Math.min(consumerPosition, limit), Math::max);
  }

  boolean done(TopicPartition tp) {
    return position.get(tp) >= end.getOrDefault(tp, position.get(tp));
  }

  boolean roundDone() {
    return position.keySet().stream().allMatch(this::done);
  }

  /** Offsets left in this round. */
  long lag() {
    long lag = 0;
    for (var e : position.entrySet()) {
      lag += Math.max(0, end.getOrDefault(e.getKey(), e.getValue()) - e.getValue());
    }
    return lag;
  }

  /** The next offset to read per partition. */
  Map<TopicPartition, Long> positions() {
    return Collections.unmodifiableMap(position);
  }

  /** The end offset per partition of the current round. */
  long end(TopicPartition tp) {
    return end.getOrDefault(tp, position.get(tp));
  }
}
