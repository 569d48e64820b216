package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Object search as the job indexes it (CenterNet boxes, the frame model on each box's pixels): a
 * person or the van in one frame of a fixed camera (opencv-doc's vtest.avi, frames 431 and 451, two
 * seconds apart, see {@code src/test/resources/vtest/README.md}) finds the same person or van in
 * the other frame first, above the other people and objects there and above every object of
 * unrelated photos (messi5, basketball1, basketball2). Each target is labelled by hand by a point
 * inside it.
 */
class ObjectSearchOnVtestTest extends WithBundledDetectors {
  private static OnnxImageEmbedder embedder;
  private static BufferedImage frameA;
  private static BufferedImage frameB;
  private static List<Found> inA;
  private static List<Found> candidates;

  /** A detected object with its appearance vector. */
  record Found(String where, Detection detection, float[] vector) {
    boolean contains(int x, int y, BufferedImage frame) {
      Box b = detection.box();
      double fx = x / (double) frame.getWidth();
      double fy = y / (double) frame.getHeight();
      return fx >= b.x0() && fx <= b.x1() && fy >= b.y0() && fy <= b.y1();
    }
  }

  @BeforeAll
  static void detectOnce() {
    embedder = OnnxImageEmbedder.loadDefault();
    frameA = resource("/vtest/0431.jpg");
    frameB = resource("/vtest/0451.jpg");
    inA = found("0431", frameA);
    candidates = new ArrayList<>(found("0451", frameB));
    for (String photo : List.of("messi5.jpg", "basketball1.jpg", "basketball2.jpg")) {
      candidates.addAll(found(photo, resource("/photos-detect/" + photo)));
    }
  }

  @AfterAll
  static void closeEmbedder() {
    embedder.close();
  }

  static BufferedImage resource(String path) {
    try (InputStream in = ObjectSearchOnVtestTest.class.getResourceAsStream(path)) {
      return ImageIO.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Found> found(String where, BufferedImage image) {
    List<Found> found = new ArrayList<>();
    for (Detection d : objects.detect(image)) {
      found.add(
          new Found(
              where,
              d,
              embedder.embedImages(List.of(ImageTensors.boxRegion(image, d.box()))).get(0)));
    }
    return found;
  }

  /** The labelled object: the best-scoring detection of {@code label} containing the point. */
  static Found at(List<Found> found, BufferedImage frame, String label, int x, int y) {
    return found.stream()
        .filter(f -> f.detection().label().equals(label) && f.contains(x, y, frame))
        .max(Comparator.comparingDouble(f -> f.detection().score()))
        .orElseThrow(() -> new AssertionError("no " + label + " detected at " + x + "," + y));
  }

  static float similarity(float[] a, float[] b) {
    float dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // what, label, point in frame 431 (x,y px of 768x576), point in frame 451
    "woman in the red jacket walking left, person, 703, 320, 578, 285",
    "man in black walking down, person, 536, 190, 500, 220",
    "man in the brown jacket standing, person, 306, 250, 322, 248",
    "parked white van, truck, 682, 70, 682, 70",
  })
  void aCropFindsTheSameObjectInAnotherFrameFirst(
      String what, String label, int xA, int yA, int xB, int yB) {
    Found target =
        at(
            candidates.stream().filter(f -> f.where().equals("0451")).toList(),
            frameB,
            label,
            xB,
            yB);
    Found query = at(inA, frameA, label, xA, yA);

    List<Found> ranked =
        candidates.stream()
            .sorted(
                Comparator.comparingDouble((Found f) -> similarity(query.vector(), f.vector()))
                    .reversed())
            .toList();
    System.out.printf(
        "%s: target %.4f, next %s %s %.4f, %d candidates%n",
        what,
        similarity(query.vector(), target.vector()),
        ranked.get(1).where(),
        ranked.get(1).detection().label(),
        similarity(query.vector(), ranked.get(1).vector()),
        candidates.size());
    // the first hit is the target, or another detection of the same pixels (a van is also a "car")
    Found first = ranked.get(0);
    assertThat(first.where()).as(what + ": the first hit's frame").isEqualTo("0451");
    assertThat(first.detection().box().iou(target.detection().box()))
        .as(what + ": the first hit overlaps the labelled one")
        .isGreaterThan(0.5f);
  }
}
