package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.detect.Detection;
import dev.imgsearch.embedder.detect.FaceDescriber;
import dev.imgsearch.embedder.detect.FrameDetector;
import dev.imgsearch.embedder.detect.ImageTensors;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objects and faces of the frames of one micro-batch: each frame through the detector(s) (faces
 * described in one call per frame by {@link FaceDescriber}), then every object's crop ({@link
 * ImageTensors#boxRegion}, resized as the frames are) through the image model in batched calls of
 * at most {@value #CROP_BATCH}. A frame whose detection or crop vectors fail gets the failure
 * instead of items, and the other frames keep theirs.
 */
final class FrameItems {
  /** Crops per model call (each a model input, e.g. 224×224×3 floats). */
  static final int CROP_BATCH = 32;

  /**
   * Frames are decoded to at least this shorter side for detection (the object detector's input is
   * 512×512).
   */
  static final int DETECT_SHORTER_SIDE = 512;

  /** What finds objects and faces in an upright frame ({@link FrameDetector#detect}). */
  @FunctionalInterface
  interface Detector {
    FrameDetector.Result detect(BufferedImage frame);
  }

  /** One frame's items, or why it has none ({@code failure} non-null). */
  record Outcome(DetectedItemAssembly.Items items, RuntimeException failure) {}

  /** The outcomes in the order of {@code frames}, and the time spent. */
  record Batch(List<Outcome> outcomes, int modelCalls, long nanos) {}

  private FrameItems() {}

  static Batch detect(Detector detector, OnnxImageEmbedder embedder, List<BufferedImage> frames) {
    long t0 = System.nanoTime();
    int n = frames.size();
    FrameDetector.Result[] found = new FrameDetector.Result[n];
    RuntimeException[] failures = new RuntimeException[n];
    List<BufferedImage> crops = new ArrayList<>();
    int[] firstCrop = new int[n + 1];
    for (int i = 0; i < n; i++) {
      firstCrop[i] = crops.size();
      try {
        found[i] = detector.detect(frames.get(i));
        List<BufferedImage> mine = new ArrayList<>();
        for (Detection o : found[i].objects()) {
          mine.add(embedder.modelInput(ImageTensors.boxRegion(frames.get(i), o.box())));
        }
        crops.addAll(mine);
      } catch (RuntimeException e) {
        failures[i] = e;
      }
    }
    firstCrop[n] = crops.size();
    float[][] vectors = new float[crops.size()][];
    int calls = 0;
    for (int from = 0; from < crops.size(); from += CROP_BATCH) {
      int to = Math.min(crops.size(), from + CROP_BATCH);
      calls++;
      try {
        List<float[]> vs = embedder.embedModelInputs(crops.subList(from, to));
        for (int k = from; k < to; k++) {
          vectors[k] = vs.get(k - from);
        }
      } catch (RuntimeException batchFailure) {
        // left null: the frames concerned are retried alone below
      }
    }
    List<Outcome> outcomes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (failures[i] != null) {
        outcomes.add(new Outcome(DetectedItemAssembly.Items.NONE, failures[i]));
        continue;
      }
      List<float[]> mine = Arrays.asList(vectors).subList(firstCrop[i], firstCrop[i + 1]);
      try {
        if (mine.contains(null)) {
          calls++;
          mine = embedder.embedModelInputs(crops.subList(firstCrop[i], firstCrop[i + 1]));
        }
        outcomes.add(
            new Outcome(
                DetectedItemAssembly.assemble(
                    found[i], mine, embedder.modelId(), FaceDescriber.MODEL_ID),
                null));
      } catch (RuntimeException e) {
        outcomes.add(new Outcome(DetectedItemAssembly.Items.NONE, e));
      }
    }
    return new Batch(outcomes, calls, System.nanoTime() - t0);
  }
}
