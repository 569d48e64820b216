package dev.imgsearch.query;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.query.FaceReader.QueryFace;
import java.util.List;

/**
 * Which faces of an uploaded photo become queries: every face, or with a box only the face that
 * overlaps it most. Pure.
 */
final class FaceChoice {
  /** Error code of a face search whose upload (or box) holds no face. */
  static final String NO_FACE = "no-face";

  private FaceChoice() {}

  /**
   * @param faces the faces found in the upload, best first
   * @param box the caller's box ({@code x0,y0,x1,y1}, normalised) or null for every face
   * @throws InvalidQueryException if there is no face, or none overlaps {@code box}
   */
  static List<QueryFace> chosen(List<QueryFace> faces, float[] box) {
    if (faces.isEmpty()) {
      throw new InvalidQueryException(
          NO_FACE,
          "no face found in the upload: the face detector finds frontal faces from about 1/20 of"
              + " the picture up");
    }
    if (box == null) {
      return faces;
    }
    Box wanted = new Box(box[0], box[1], box[2], box[3]);
    QueryFace best = null;
    float bestOverlap = 0;
    for (QueryFace face : faces) {
      float overlap = face.box().iou(wanted);
      if (overlap > bestOverlap) {
        best = face;
        bestOverlap = overlap;
      }
    }
    if (best == null) {
      throw new InvalidQueryException(
          NO_FACE,
          String.format(
              java.util.Locale.ROOT,
              "no face overlaps box=%s,%s,%s,%s; the upload has %d face(s) elsewhere",
              box[0],
              box[1],
              box[2],
              box[3],
              faces.size()));
    }
    return List.of(best);
  }
}
