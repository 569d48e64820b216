package dev.imgsearch.cli.plan;

/**
 * What {@code imgsearch plan} is asked about. The constructor rejects values that make no plan with
 * an {@link IllegalArgumentException} naming the option.
 */
public record PlanInputs(
    double cameras,
    double fps,
    double megapixels,
    double retentionDays,
    double gateSkip,
    CapacityModel.Detect detect,
    int dimension,
    double objectsPerFrame,
    double facesPerFrame,
    double kafkaRetentionDays,
    int slotsPerTaskManager,
    double qps,
    int queryNodeCores,
    double queryNodeGb) {

  public PlanInputs {
    positive("--cameras", cameras);
    positive("--fps", fps);
    positive("--megapixels", megapixels);
    positive("--retention-days", retentionDays);
    positive("--kafka-retention-days", kafkaRetentionDays);
    positive("--query-node-gb", queryNodeGb);
    if (!(gateSkip >= 0 && gateSkip < 1)) {
      throw new IllegalArgumentException(
          "--gate-skip is a share of frames in [0, 1), got " + gateSkip);
    }
    if (detect == null) {
      throw new IllegalArgumentException("--detect is none, objects or objects,faces");
    }
    if (dimension < 1 || dimension > 32_768) {
      throw new IllegalArgumentException("--dimension must be in 1..32768, got " + dimension);
    }
    if (!(objectsPerFrame >= 0) || !(facesPerFrame >= 0) || !(qps >= 0)) {
      throw new IllegalArgumentException(
          "--objects-per-frame, --faces-per-frame and --qps must be >= 0");
    }
    if (slotsPerTaskManager < 1 || queryNodeCores < 1) {
      throw new IllegalArgumentException(
          "--slots-per-taskmanager and --query-node-cores must be >= 1");
    }
  }

  private static void positive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(option + " must be a positive number, got " + value);
    }
  }
}
