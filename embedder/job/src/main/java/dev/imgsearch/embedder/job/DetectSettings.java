package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.detect.CocoClasses;
import dev.imgsearch.embedder.detect.DetectMode;
import dev.imgsearch.embedder.detect.FaceDetector;
import dev.imgsearch.embedder.detect.ObjectDetector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the job detects inside each frame ({@code detect.*} options), checked at start. Serializable
 * (part of the operator's config); the detector options are built from it on the task manager.
 *
 * @param detect {@code none}, {@code objects}, {@code faces} or {@code objects,faces}
 * @param classes COCO class ids kept (empty: all)
 * @param minScore objects scoring below are dropped
 * @param maxObjects at most this many objects per frame
 * @param faceMinScore faces scoring below are dropped
 * @param maxFaces at most this many faces per frame
 */
public record DetectSettings(
    String detect,
    List<Integer> classes,
    float minScore,
    int maxObjects,
    float faceMinScore,
    int maxFaces)
    implements Serializable {
  public static final DetectSettings NONE =
      new DetectSettings(
          "none",
          List.of(),
          ObjectDetector.Options.DEFAULT.minScore(),
          ObjectDetector.Options.DEFAULT.maxCount(),
          FaceDetector.Options.DEFAULT.minScore(),
          FaceDetector.Options.DEFAULT.maxCount());

  public DetectSettings {
    detect = DetectMode.parse(detect).toString();
    classes = List.copyOf(classes);
    // the detectors' own checks, with the values given
    new ObjectDetector.Options(
        minScore, ObjectDetector.Options.DEFAULT.iouThreshold(), maxObjects, Set.copyOf(classes));
    new FaceDetector.Options(faceMinScore, FaceDetector.Options.DEFAULT.iouThreshold(), maxFaces);
  }

  public DetectMode mode() {
    return DetectMode.parse(detect);
  }

  public ObjectDetector.Options objectOptions() {
    ObjectDetector.Options d = ObjectDetector.Options.DEFAULT;
    return new ObjectDetector.Options(
        minScore, d.iouThreshold(), maxObjects, new HashSet<>(classes));
  }

  public FaceDetector.Options faceOptions() {
    return new FaceDetector.Options(
        faceMinScore, FaceDetector.Options.DEFAULT.iouThreshold(), maxFaces);
  }

  /**
   * COCO class ids from a comma-separated list of labels ({@code person, car}); blank: all classes.
   */
  public static List<Integer> classes(String labels) {
    if (labels == null || labels.isBlank()) {
      return List.of();
    }
    Set<Integer> ids = new java.util.LinkedHashSet<>();
    for (String label : labels.split(",", -1)) {
      if (label.isBlank()) {
        throw new IllegalArgumentException("empty class name in '" + labels + "'");
      }
      ids.add(CocoClasses.id(label));
    }
    return new ArrayList<>(ids);
  }
}
