package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-frame cost of the detection models on a 640×480 (0.3 MP) frame, preprocessing included:
 * median of 20 runs after 5 warm-ups. Not a test; run by hand (see the embedder README, "Detection
 * models").
 */
public final class DetectionCost {
  private DetectionCost() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    OnnxOptions onnx = new OnnxOptions(threads, 0);
    BufferedImage frame = DetectorsOnPhotosTest.photo("basketball1.jpg"); // 640x480
    try (ObjectDetector objects = ObjectDetector.load(ObjectDetector.Options.DEFAULT, onnx);
        FaceDetector faces = FaceDetector.load(FaceDetector.Options.DEFAULT, onnx);
        FaceDescriber describer = FaceDescriber.load(onnx)) {
      List<Box> boxes = faces.detect(frame).stream().map(Detection::box).toList();
      System.out.printf(
          "frame %dx%d, %d face(s), intra-op threads %s%n",
          frame.getWidth(), frame.getHeight(), boxes.size(), threads == 0 ? "default" : threads);
      System.out.printf(
          "objects (CenterNet 512²)  %6.1f ms%n", median(() -> objects.detect(frame)));
      System.out.printf("faces (BlazeFace 256²)    %6.1f ms%n", median(() -> faces.detect(frame)));
      System.out.printf(
          "face descriptor (FaceRes) %6.1f ms per face%n",
          median(() -> describer.describe(frame, boxes.subList(0, 1))));
    }
  }

  private static double median(Supplier<?> run) {
    for (int i = 0; i < 5; i++) {
      run.get();
    }
    double[] ms = new double[20];
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      run.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return (ms[9] + ms[10]) / 2;
  }
}
