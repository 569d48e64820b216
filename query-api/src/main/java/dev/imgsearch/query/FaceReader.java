package dev.imgsearch.query;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.detect.Detection;
import dev.imgsearch.embedder.detect.FaceDescriber;
import dev.imgsearch.embedder.detect.FaceDetector;
import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The faces of an uploaded photo with their descriptors: what "find this person" queries with. The
 * default reads them with the bundled face models the embedder job indexes faces with (BlazeFace,
 * FaceRes), loaded on the first face search, so an API that never searches by face photo never
 * loads them.
 */
interface FaceReader {

  /** A face found in the upload: its box (normalised), detector score and unit descriptor. */
  record QueryFace(Box box, float score, float[] descriptor) {}

  /** The faces of {@code image}, highest score first. */
  List<QueryFace> read(BufferedImage image);

  /** The bundled models, loaded once on first use; thread-safe. */
  static FaceReader bundled() {
    return new Bundled();
  }

  /** Loads the face models lazily and keeps them for the life of the process. */
  final class Bundled implements FaceReader {
    private volatile FaceDetector detector;
    private volatile FaceDescriber describer;

    @Override
    public List<QueryFace> read(BufferedImage image) {
      load();
      List<Detection> faces = detector.detect(image);
      List<Box> boxes = faces.stream().map(Detection::box).toList();
      List<float[]> descriptors = describer.describe(image, boxes);
      List<QueryFace> read = new ArrayList<>(faces.size());
      for (int i = 0; i < faces.size(); i++) {
        read.add(new QueryFace(boxes.get(i), faces.get(i).score(), descriptors.get(i)));
      }
      return read;
    }

    private void load() {
      if (describer == null) {
        synchronized (this) {
          if (describer == null) {
            detector = FaceDetector.load(FaceDetector.Options.DEFAULT, OnnxOptions.DEFAULT);
            describer = FaceDescriber.load(OnnxOptions.DEFAULT);
          }
        }
      }
    }
  }
}
