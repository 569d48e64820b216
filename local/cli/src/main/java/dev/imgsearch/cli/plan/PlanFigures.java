package dev.imgsearch.cli.plan;

import java.util.Locale;
import java.util.Map;

/**
 * The CPU figure {@code imgsearch plan} uses for one {@code imgsearch bench} setting (frame size,
 * the embedder's {@code detect} and {@code gate.enabled} options), so the bench prints it next to
 * what it measured. Pure: which {@link CapacityModel} constants apply, and their sum.
 */
public final class PlanFigures {
  private static final double TOLERANCE_MP = 0.01;

  private PlanFigures() {}

  /**
   * Core-ms per image the plan counts for a setting, and the constants it comes from.
   *
   * @param coreMs core-ms per image, or NaN when the plan has no figure for the setting
   * @param basis the {@link CapacityModel} constants summed, or why there is no figure
   */
  public record Figure(double coreMs, String basis) {
    public boolean applies() {
      return !Double.isNaN(coreMs);
    }

    /** Images per second per core at {@link #coreMs}. */
    public double imagesPerSecondPerCore() {
      return 1000 / coreMs;
    }
  }

  /**
   * The plan's core-ms per frame through the model at {@code width}×{@code height}, with {@code
   * embedderOptions}' {@code detect} (default none) and no faces in the frames (the bench's
   * synthetic JPEGs show none, so the face descriptor never runs).
   */
  public static Figure forSetting(int width, int height, Map<String, String> embedderOptions) {
    if (Boolean.parseBoolean(embedderOptions.getOrDefault("gate.enabled", "false").strip())) {
      return new Figure(
          Double.NaN, "n/a with gate.enabled (the plan's figure is per frame through the model)");
    }
    String detectValue = embedderOptions.getOrDefault("detect", "none");
    CapacityModel.Detect detect;
    try {
      detect = CapacityModel.Detect.parse(detectValue);
    } catch (IllegalArgumentException e) {
      return new Figure(Double.NaN, "n/a: the plan has no detect=" + detectValue.strip());
    }
    double megapixels = width * (double) height / 1e6;
    double coreMs = CapacityModel.jobCoreMs(megapixels) + CapacityModel.detectCoreMs(detect, 0);
    return new Figure(coreMs, frameBasis(megapixels) + detectBasis(detect));
  }

  private static String frameBasis(double megapixels) {
    if (Math.abs(megapixels - 0.3072) < TOLERANCE_MP) {
      return "JOB_CORE_MS_AT_03_MP";
    }
    if (Math.abs(megapixels - 2.0) < TOLERANCE_MP) {
      return "JOB_CORE_MS_AT_2_MP";
    }
    return String.format(
        Locale.ROOT,
        "JOB_CORE_MS_AT_03_MP…AT_2_MP %s at %.2f MP",
        megapixels > 0.3072 && megapixels < 2.0 ? "interpolated" : "extrapolated",
        megapixels);
  }

  private static String detectBasis(CapacityModel.Detect detect) {
    return switch (detect) {
      case NONE -> "";
      case OBJECTS -> " + OBJECTS_CORE_MS";
      case OBJECTS_AND_FACES -> " + OBJECTS_CORE_MS + FACES_CORE_MS (no faces found)";
    };
  }
}
