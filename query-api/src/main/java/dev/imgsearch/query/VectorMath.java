package dev.imgsearch.query;

/** Validation and normalisation of client-supplied query vectors. */
final class VectorMath {

  private VectorMath() {}

  /**
   * Returns a unit-length copy of {@code vector}.
   *
   * @throws InvalidQueryException if the length is not {@code dimension}, a component is not
   *     finite, or the vector is zero
   */
  static float[] normalised(float[] vector, int dimension) {
    if (vector == null) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "vector is required");
    }
    if (vector.length != dimension) {
      throw new InvalidQueryException(
          InvalidQueryException.WRONG_DIMENSION,
          "vector must have " + dimension + " components, got " + vector.length);
    }
    double sumOfSquares = 0;
    for (float component : vector) {
      if (!Float.isFinite(component)) {
        throw new InvalidQueryException(
            InvalidQueryException.INVALID_PARAMETER, "vector components must be finite numbers");
      }
      sumOfSquares += (double) component * component;
    }
    if (sumOfSquares == 0) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "vector must not be all zeros");
    }
    double norm = Math.sqrt(sumOfSquares);
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] / norm);
    }
    return unit;
  }
}
