package dev.imgsearch.schemas.testing;

import java.util.random.RandomGenerator;

/** Random embeddings for tests (from this module's test-jar). */
public final class UnitVectors {
  private UnitVectors() {}

  /**
   * A random L2-normalised vector of {@code dim} Gaussian components drawn from {@code random}; the
   * same generator state gives the same vector.
   */
  public static float[] random(RandomGenerator random, int dim) {
    float[] v = new float[dim];
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) norm;
    }
    return v;
  }
}
