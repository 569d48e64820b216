package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@link DetectMode} asks for in one frame: the objects, and the faces each with its
 * descriptor. Loads only the models the mode needs. {@link #detect} may be called from several
 * threads.
 */
public final class FrameDetector implements AutoCloseable {
  /** A detected face and its unit-length descriptor ({@value FaceDescriber#DIMENSION}-d). */
  public record DescribedFace(Detection detection, float[] descriptor) {}

  /** What one frame holds; empty lists for the parts the mode leaves out. */
  public record Result(List<Detection> objects, List<DescribedFace> faces) {
    public static final Result EMPTY = new Result(List.of(), List.of());
  }

  private final DetectMode mode;
  private final ObjectDetector objects;
  private final FaceDetector faces;
  private final FaceDescriber describer;

  private FrameDetector(
      DetectMode mode, ObjectDetector objects, FaceDetector faces, FaceDescriber describer) {
    this.mode = mode;
    this.objects = objects;
    this.faces = faces;
    this.describer = describer;
  }

  public static FrameDetector load(
      DetectMode mode,
      ObjectDetector.Options objectOptions,
      FaceDetector.Options faceOptions,
      OnnxOptions onnx) {
    ObjectDetector o = null;
    FaceDetector f = null;
    try {
      o = mode.objects() ? ObjectDetector.load(objectOptions, onnx) : null;
      f = mode.faces() ? FaceDetector.load(faceOptions, onnx) : null;
      FaceDescriber d = mode.faces() ? FaceDescriber.load(onnx) : null;
      return new FrameDetector(mode, o, f, d);
    } catch (RuntimeException e) {
      new FrameDetector(mode, o, f, null).close(); // the models loaded before the failure
      throw e;
    }
  }

  public DetectMode mode() {
    return mode;
  }

  public Result detect(BufferedImage frame) {
    if (!mode.any()) {
      return Result.EMPTY;
    }
    List<Detection> found = objects == null ? List.of() : objects.detect(frame);
    List<DescribedFace> described = new ArrayList<>();
    if (faces != null) {
      List<Detection> fs = faces.detect(frame);
      List<float[]> descriptors =
          describer.describe(frame, fs.stream().map(Detection::box).toList());
      for (int i = 0; i < fs.size(); i++) {
        described.add(new DescribedFace(fs.get(i), descriptors.get(i)));
      }
    }
    return new Result(found, List.copyOf(described));
  }

  @Override
  public void close() {
    if (objects != null) {
      objects.close();
    }
    if (faces != null) {
      faces.close();
    }
    if (describer != null) {
      describer.close();
    }
  }
}
