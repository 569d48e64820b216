package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COCO object detector: the bundled MobileNetV3 CenterNet ({@value #MODEL_ID}, 512×512 input). The
 * frame is stretched to the input (as upstream does: boxes map back by scaling alone), raw RGB
 * 0..255; peaks above the score threshold are decoded ({@link CenterNetDecoder}), then class-wise
 * NMS keeps at most {@code maxCount}. Not thread-safe to close while detecting; {@link #detect}
 * itself may be called from several threads.
 */
public final class ObjectDetector implements AutoCloseable {
  public static final String MODEL_ID = "human-centernet-coco";
  private static final int TOP_K = 100; // the peaks the original graph keeps

  /**
   * @param minScore detections scoring below are dropped (upstream: 0.2)
   * @param iouThreshold same-class boxes overlapping a better one by more than this are dropped
   *     (upstream: 0.4)
   * @param maxCount at most this many detections per frame, highest scores first
   * @param classes COCO class ids to keep; empty = all 80
   */
  public record Options(float minScore, float iouThreshold, int maxCount, Set<Integer> classes) {
    public static final Options DEFAULT = new Options(0.2f, 0.4f, 20, Set.of());

    public Options {
      Nms.checkOptions("object", minScore, iouThreshold, maxCount, TOP_K);
      classes = Set.copyOf(classes);
      for (int c : classes) {
        CocoClasses.label(c);
      }
    }

    public Options withClasses(Set<Integer> allowed) {
      return new Options(minScore, iouThreshold, maxCount, allowed);
    }
  }

  private final OrtModel model;
  private final Options options;
  private final CenterNetDecoder decoder = CenterNetDecoder.COCO_512;

  private ObjectDetector(OrtModel model, Options options) {
    this.model = model;
    this.options = options;
  }

  public static ObjectDetector load(Options options, OnnxOptions onnx) {
    return new ObjectDetector(
        OrtModel.bundled(MODEL_ID, onnx, "tower_0_keypoints", "tower_0_wh"), options);
  }

  public Options options() {
    return options;
  }

  /** The objects in the frame, highest score first. */
  public List<Detection> detect(BufferedImage image) {
    int size = decoder.inputSize();
    BufferedImage input =
        ImageTensors.fit(image, Letterbox.stretch(image.getWidth(), image.getHeight()), size);
    return detectInput(input);
  }

  /** As {@link #detect} on a frame already stretched to the 512×512 input. */
  public List<Detection> detectInput(BufferedImage input) {
    int size = decoder.inputSize();
    if (input.getWidth() != size || input.getHeight() != size) {
      throw new IllegalArgumentException("model input must be " + size + "x" + size);
    }
    Map<String, float[]> out = raw(ImageTensors.nhwc(input, 1f, 0f));
    Set<Integer> classes = options.classes();
    List<Detection> candidates =
        decoder.decode(
            out.get("tower_0_keypoints"),
            out.get("tower_0_wh"),
            options.minScore(),
            TOP_K,
            c -> classes.isEmpty() || classes.contains(c));
    return Nms.suppressPerClass(candidates, options.iouThreshold(), options.maxCount());
  }

  /**
   * The model's raw outputs ({@code tower_0_keypoints}, {@code tower_0_wh}) for an NHWC 512×512
   * input tensor.
   */
  Map<String, float[]> raw(float[] nhwc) {
    int size = decoder.inputSize();
    return model.run(nhwc, 1, size, size, 3);
  }

  @Override
  public void close() {
    model.close();
  }
}
