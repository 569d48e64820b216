package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Face descriptor: the bundled FaceRes ({@value #MODEL_ID}, 224×224 input, RGB 0..255), its 1024-d
 * global-pooled features L2-normalised. Each face is cropped as {@link FaceCrop} (box centred,
 * longer side × 1.4, square) and resized to 224²; several faces of a frame run as one batch.
 */
public final class FaceDescriber implements AutoCloseable {
  public static final String MODEL_ID = "human-faceres";
  public static final int INPUT_SIZE = 224;
  public static final int DIMENSION = 1024;

  private final OrtModel model;

  private FaceDescriber(OrtModel model) {
    this.model = model;
  }

  public static FaceDescriber load(OnnxOptions onnx) {
    return new FaceDescriber(OrtModel.bundled(MODEL_ID, onnx, "global_pooling_Mean"));
  }

  /** One unit-length descriptor per face box (normalised to {@code image}), in order. */
  public List<float[]> describe(BufferedImage image, List<Box> faces) {
    List<BufferedImage> crops = new ArrayList<>(faces.size());
    for (Box face : faces) {
      FaceCrop crop =
          FaceCrop.of(face, image.getWidth(), image.getHeight(), FaceCrop.UPSTREAM_ENLARGE);
      crops.add(ImageTensors.crop(image, crop, INPUT_SIZE));
    }
    return describeCrops(crops);
  }

  /** Descriptors of face crops already at 224×224. */
  public List<float[]> describeCrops(List<BufferedImage> crops) {
    if (crops.isEmpty()) {
      return List.of();
    }
    int per = INPUT_SIZE * INPUT_SIZE * 3;
    float[] batch = new float[per * crops.size()];
    for (int i = 0; i < crops.size(); i++) {
      BufferedImage c = crops.get(i);
      if (c.getWidth() != INPUT_SIZE || c.getHeight() != INPUT_SIZE) {
        throw new IllegalArgumentException("face crop must be " + INPUT_SIZE + "x" + INPUT_SIZE);
      }
      ImageTensors.nhwc(c, 1f, 0f, batch, i * per);
    }
    float[] out =
        model.run(batch, crops.size(), INPUT_SIZE, INPUT_SIZE, 3).values().iterator().next();
    List<float[]> descriptors = new ArrayList<>(crops.size());
    for (int i = 0; i < crops.size(); i++) {
      float[] d = new float[DIMENSION];
      System.arraycopy(out, i * DIMENSION, d, 0, DIMENSION);
      descriptors.add(dev.imgsearch.embedder.model.Vectors.l2Normalize(d));
    }
    return descriptors;
  }

  @Override
  public void close() {
    model.close();
  }
}
