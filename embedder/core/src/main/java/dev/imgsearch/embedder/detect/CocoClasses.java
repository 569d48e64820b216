package dev.imgsearch.embedder.detect;

import java.util.List;
import java.util.Locale;

/**
 * The 80 COCO detection classes in the order detectors trained on COCO output them (index = class
 * id).
 */
public final class CocoClasses {
  public static final List<String> LABELS =
      List.of(
          "person",
          "bicycle",
          "car",
          "motorcycle",
          "airplane",
          "bus",
          "train",
          "truck",
          "boat",
          "traffic light",
          "fire hydrant",
          "stop sign",
          "parking meter",
          "bench",
          "bird",
          "cat",
          "dog",
          "horse",
          "sheep",
          "cow",
          "elephant",
          "bear",
          "zebra",
          "giraffe",
          "backpack",
          "umbrella",
          "handbag",
          "tie",
          "suitcase",
          "frisbee",
          "skis",
          "snowboard",
          "sports ball",
          "kite",
          "baseball bat",
          "baseball glove",
          "skateboard",
          "surfboard",
          "tennis racket",
          "bottle",
          "wine glass",
          "cup",
          "fork",
          "knife",
          "spoon",
          "bowl",
          "banana",
          "apple",
          "sandwich",
          "orange",
          "broccoli",
          "carrot",
          "hot dog",
          "pizza",
          "donut",
          "cake",
          "chair",
          "couch",
          "potted plant",
          "bed",
          "dining table",
          "toilet",
          "tv",
          "laptop",
          "mouse",
          "remote",
          "keyboard",
          "cell phone",
          "microwave",
          "oven",
          "toaster",
          "sink",
          "refrigerator",
          "book",
          "clock",
          "vase",
          "scissors",
          "teddy bear",
          "hair drier",
          "toothbrush");
  public static final int COUNT = 80;

  private CocoClasses() {}

  public static String label(int classId) {
    if (classId < 0 || classId >= COUNT) {
      throw new IllegalArgumentException(
          "COCO class id " + classId + " is not in 0.." + (COUNT - 1));
    }
    return LABELS.get(classId);
  }

  /** The class id of a label (case-insensitive), e.g. {@code "Person"} → 0. */
  public static int id(String label) {
    int i = LABELS.indexOf(label.trim().toLowerCase(Locale.ROOT));
    if (i < 0) {
      throw new IllegalArgumentException(
          "'" + label + "' is not a COCO class (e.g. person, car, truck, dog)");
    }
    return i;
  }
}
