package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.detect.Detection;
import dev.imgsearch.embedder.detect.FrameDetector;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.FieldLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored items of one frame from what the detectors found: objects first (index 0.. in the
 * detector's order, each with the image model's vector of its crop), then faces (index 0.., each
 * with its descriptor). At most {@link FieldLimits#MAX_ITEMS} together: objects are kept first, the
 * rest is dropped and counted. Pure.
 */
public final class DetectedItemAssembly {
  /** The items and how many detections were dropped over the limit. */
  public record Items(List<DetectedItem> items, int objects, int faces, int dropped) {
    public static final Items NONE = new Items(List.of(), 0, 0, 0);
  }

  private DetectedItemAssembly() {}

  /**
   * @param objectVectors one per {@code found.objects()}, in order (the image model on each crop)
   * @param objectModel id of the model that made the object vectors
   * @param faceModel id of the face descriptor model
   */
  public static Items assemble(
      FrameDetector.Result found,
      List<float[]> objectVectors,
      String objectModel,
      String faceModel) {
    if (objectVectors.size() != found.objects().size()) {
      throw new IllegalArgumentException(
          found.objects().size() + " objects but " + objectVectors.size() + " object vectors");
    }
    List<DetectedItem> items = new ArrayList<>();
    int objects = 0;
    int faces = 0;
    for (int i = 0; i < found.objects().size() && items.size() < FieldLimits.MAX_ITEMS; i++) {
      items.add(
          item(
              DetectedItem.Kind.OBJECT,
              objects++,
              found.objects().get(i),
              objectModel,
              objectVectors.get(i)));
    }
    for (FrameDetector.DescribedFace f : found.faces()) {
      if (items.size() >= FieldLimits.MAX_ITEMS) {
        break;
      }
      items.add(item(DetectedItem.Kind.FACE, faces++, f.detection(), faceModel, f.descriptor()));
    }
    int dropped = found.objects().size() + found.faces().size() - items.size();
    return new Items(List.copyOf(items), objects, faces, dropped);
  }

  static DetectedItem item(
      DetectedItem.Kind kind, int index, Detection d, String model, float[] vector) {
    Box b = Box.clamped(d.box().x0(), d.box().y0(), d.box().x1(), d.box().y1());
    float score = Math.max(0f, Math.min(1f, d.score()));
    return new DetectedItem(
        kind,
        index,
        d.label(),
        d.classId(),
        score,
        new float[] {b.x0(), b.y0(), b.x1(), b.y1()},
        model,
        vector);
  }
}
