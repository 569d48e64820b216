package dev.imgsearch.embedder.detect;

import dev.imgsearch.embedder.model.OnnxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that run the bundled detection models: loads them once per test class, with the
 * defaults.
 */
abstract class WithBundledDetectors {
  static ObjectDetector objects;
  static FaceDetector faces;
  static FaceDescriber describer;

  @BeforeAll
  static void loadDetectors() {
    objects = ObjectDetector.load(ObjectDetector.Options.DEFAULT, OnnxOptions.DEFAULT);
    faces = FaceDetector.load(FaceDetector.Options.DEFAULT, OnnxOptions.DEFAULT);
    describer = FaceDescriber.load(OnnxOptions.DEFAULT);
  }

  @AfterAll
  static void closeDetectors() {
    objects.close();
    faces.close();
    describer.close();
  }
}
