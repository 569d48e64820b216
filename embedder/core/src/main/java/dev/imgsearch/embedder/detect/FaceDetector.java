package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * Face detector: the bundled BlazeFace ({@value #MODEL_ID}, 256×256 "back camera" model, for faces
 * from ~1/20 of the frame up). The frame is letterboxed onto a square (aspect kept), scaled to
 * 256², pixels to {@code v / 127.5 − 1}; anchors decoded ({@link BlazeFaceDecoder}), NMS, boxes
 * mapped back to the frame. Boxes are the tight face box.
 */
public final class FaceDetector implements AutoCloseable {
  public static final String MODEL_ID = "human-blazeface";

  /**
   * @param minScore faces scoring below are dropped (upstream: 0.2)
   * @param iouThreshold boxes overlapping a better one by more than this are dropped (upstream:
   *     0.1)
   * @param maxCount at most this many faces per frame
   */
  public record Options(float minScore, float iouThreshold, int maxCount) {
    public static final Options DEFAULT = new Options(0.5f, 0.3f, 10);

    public Options {
      Nms.checkOptions("face", minScore, iouThreshold, maxCount, BlazeFaceDecoder.ANCHORS);
    }
  }

  private final OrtModel model;
  private final Options options;

  private FaceDetector(OrtModel model, Options options) {
    this.model = model;
    this.options = options;
  }

  public static FaceDetector load(Options options, OnnxOptions onnx) {
    return new FaceDetector(
        OrtModel.bundled(MODEL_ID, onnx, "Identity", "Identity_1", "Identity_2", "Identity_3"),
        options);
  }

  /** The faces in the frame, highest score first, boxes normalised to the frame. */
  public List<Detection> detect(BufferedImage image) {
    Letterbox letterbox = Letterbox.pad(image.getWidth(), image.getHeight());
    BufferedImage input = ImageTensors.fit(image, letterbox, BlazeFaceDecoder.INPUT_SIZE);
    List<Detection> faces =
        Nms.suppress(decode(raw(input)), options.iouThreshold(), options.maxCount());
    return faces.stream()
        .map(d -> Detection.face(d.score(), letterbox.toImage(d.box())))
        .filter(d -> d.box().area() > 0)
        .toList();
  }

  private List<Detection> decode(Map<String, float[]> out) {
    float[] logits = BlazeFaceDecoder.concat(out.get("Identity"), out.get("Identity_1"));
    float[] regressors = BlazeFaceDecoder.concat(out.get("Identity_2"), out.get("Identity_3"));
    return BlazeFaceDecoder.decode(logits, regressors, options.minScore());
  }

  /**
   * The raw outputs for a 256×256 input image: logits {@code Identity} (512), {@code Identity_1}
   * (384), etc.
   */
  Map<String, float[]> raw(BufferedImage input) {
    int s = BlazeFaceDecoder.INPUT_SIZE;
    if (input.getWidth() != s || input.getHeight() != s) {
      throw new IllegalArgumentException("model input must be " + s + "x" + s);
    }
    return model.run(ImageTensors.nhwc(input, 1 / 127.5f, -1f), 1, s, s, 3);
  }

  @Override
  public void close() {
    model.close();
  }
}
