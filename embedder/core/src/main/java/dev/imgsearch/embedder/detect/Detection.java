package dev.imgsearch.embedder.detect;

/**
 * One thing found in a frame.
 *
 * @param kind an object (COCO class) or a face
 * @param classId the COCO class, 0..79 in the 80-class order of {@link CocoClasses} (person = 0);
 *     -1 for a face
 * @param label the class name ({@code person}, {@code car}, ...), {@code face} for a face
 * @param score the detector's confidence in [0, 1]
 * @param box where, in normalised image coordinates clamped to [0, 1]
 */
public record Detection(Kind kind, int classId, String label, float score, Box box) {
  public enum Kind {
    OBJECT,
    FACE
  }

  public Detection {
    if (kind == null || label == null || box == null) {
      throw new IllegalArgumentException("kind, label and box are required");
    }
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score " + score + " is not in [0, 1]");
    }
    if (kind == Kind.FACE ? classId != -1 : classId < 0 || classId >= CocoClasses.COUNT) {
      throw new IllegalArgumentException("class id " + classId + " is not valid for " + kind);
    }
  }

  public static Detection object(int classId, float score, Box box) {
    return new Detection(Kind.OBJECT, classId, CocoClasses.label(classId), score, box);
  }

  public static Detection face(float score, Box box) {
    return new Detection(Kind.FACE, -1, "face", score, box);
  }
}
