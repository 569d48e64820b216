package dev.imgsearch.embedder.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression, as {@code tf.image.nonMaxSuppression} does it. */
public final class Nms {
  private Nms() {}

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
