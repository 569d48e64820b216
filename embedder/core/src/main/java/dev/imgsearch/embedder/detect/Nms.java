package dev.imgsearch.embedder.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression, as {@code tf.image.nonMaxSuppression} does it. */
public final class Nms {
  private Nms() {}

  /**
   * Checks a detector's options: {@code minScore} in (0, 1], {@code iouThreshold} in [0, 1], {@code
   * maxCount} in 1..{@code maxCountLimit}; {@code detector} names it in the message.
   */
  static void checkOptions(
      String detector, float minScore, float iouThreshold, int maxCount, int maxCountLimit) {
    if (!(minScore > 0 && minScore <= 1)) {
      throw new IllegalArgumentException(detector + " minScore must be in (0, 1], got " + minScore);
    }
    if (!(iouThreshold >= 0 && iouThreshold <= 1)) {
      throw new IllegalArgumentException(
          detector + " iouThreshold must be in [0, 1], got " + iouThreshold);
    }
    if (maxCount < 1 || maxCount > maxCountLimit) {
      throw new IllegalArgumentException(
          detector + " maxCount must be in 1.." + maxCountLimit + ", got " + maxCount);
    }
  }

  /**
   * Keeps the highest-scoring detections, dropping any whose box overlaps an already kept one by
   * more than {@code iouThreshold}, up to {@code maxCount}; result sorted by score, highest first
   * (ties: input order).
   */
  public static List<Detection> suppress(
      List<Detection> detections, float iouThreshold, int maxCount) {
    return run(detections, iouThreshold, maxCount, false);
  }

  /**
   * As {@link #suppress} but only detections of the same class suppress each other (a person does
   * not hide the bicycle they ride); {@code maxCount} bounds the total, highest scores first.
   */
  public static List<Detection> suppressPerClass(
      List<Detection> detections, float iouThreshold, int maxCount) {
    return run(detections, iouThreshold, maxCount, true);
  }

  private static List<Detection> run(
      List<Detection> detections, float iouThreshold, int maxCount, boolean perClass) {
    List<Detection> sorted = new ArrayList<>(detections);
    sorted.sort(Comparator.comparingDouble((Detection d) -> d.score()).reversed());
    List<Detection> kept = new ArrayList<>();
    for (Detection d : sorted) {
      if (kept.size() >= maxCount) {
        break;
      }
      boolean suppressed = false;
      for (Detection k : kept) {
        if ((!perClass || k.classId() == d.classId()) && k.box().iou(d.box()) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        kept.add(d);
      }
    }
    return kept;
  }
}
