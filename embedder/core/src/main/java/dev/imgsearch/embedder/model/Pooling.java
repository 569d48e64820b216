package dev.imgsearch.embedder.model;

import dev.imgsearch.embedder.model.ModelDescriptor.Layout;
import java.util.Arrays;

/**
 * Turns a model's output tensor into one vector per image ({@link ModelDescriptor.Pooling}). Pure.
 */
public final class Pooling {
  private static final double GEM_EPS = 1e-6;

  private Pooling() {}

  /**
   * Pools {@code data} (row-major, shape {@code shape}, first dimension = batch) into {@code
   * shape[0]} vectors.
   *
   * @throws IllegalArgumentException when the output's rank does not fit the pooling
   */
  public static float[][] apply(
      float[] data, long[] shape, ModelDescriptor.Pooling pooling, float p, Layout layout) {
    int n = (int) shape[0];
    return switch (pooling) {
      case NONE -> {
        long features = 1;
        for (int i = 1; i < shape.length; i++) {
          if (i >= 2 && shape[i] != 1) {
            throw new IllegalArgumentException(
                "pooling NONE needs an output of shape [N, D] (or [N, D, 1, 1]), got "
                    + Arrays.toString(shape));
          }
          features *= shape[i];
        }
        float[][] out = new float[n][];
        for (int b = 0; b < n; b++) {
          out[b] = Arrays.copyOfRange(data, (int) (b * features), (int) ((b + 1) * features));
        }
        yield out;
      }
      case GAP, GEM -> {
        requireRank(shape, 4, pooling);
        int c = (int) (layout == Layout.NCHW ? shape[1] : shape[3]);
        int cells = (int) (layout == Layout.NCHW ? shape[2] * shape[3] : shape[1] * shape[2]);
        boolean gem = pooling == ModelDescriptor.Pooling.GEM;
        float[][] out = new float[n][c];
        for (int b = 0; b < n; b++) {
          int base = b * c * cells;
          for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < cells; i++) {
              float x =
                  layout == Layout.NCHW ? data[base + ch * cells + i] : data[base + i * c + ch];
              s += gem ? Math.pow(Math.max(x, GEM_EPS), p) : x;
            }
            double mean = s / cells;
            out[b][ch] = (float) (gem ? Math.pow(mean, 1.0 / p) : mean);
          }
        }
        yield out;
      }
      case CLS, MEAN_TOKENS -> {
        requireRank(shape, 3, pooling);
        int tokens = (int) shape[1];
        int d = (int) shape[2];
        float[][] out = new float[n][d];
        for (int b = 0; b < n; b++) {
          int base = b * tokens * d;
          if (pooling == ModelDescriptor.Pooling.CLS) {
            System.arraycopy(data, base, out[b], 0, d);
          } else {
            for (int t = 0; t < tokens; t++) {
              for (int i = 0; i < d; i++) {
                out[b][i] += data[base + t * d + i] / tokens;
              }
            }
          }
        }
        yield out;
      }
    };
  }

  private static void requireRank(long[] shape, int rank, ModelDescriptor.Pooling pooling) {
    if (shape.length != rank) {
      throw new IllegalArgumentException(
          "pooling "
              + pooling
              + " needs a "
              + rank
              + "-D output, got shape "
              + Arrays.toString(shape));
    }
  }
}
