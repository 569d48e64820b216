package dev.imgsearch.embedder.model;

/** Small vector helpers. */
public final class Vectors {
  private Vectors() {}

  /**
   * Returns a unit-length copy of {@code v}; a zero vector is rejected (it has no direction to
   * compare).
   */
  public static float[] l2Normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (sum == 0 || Double.isNaN(sum) || Double.isInfinite(sum)) {
      throw new IllegalArgumentException("cannot normalise a zero or non-finite vector");
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
