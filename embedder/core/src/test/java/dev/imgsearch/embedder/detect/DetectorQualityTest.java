package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Person detection quality on labelled real frames: seven frames of opencv-doc's vtest.avi (a fixed
 * camera over a path, 768×576), 40 people labelled by hand with one point each ({@code
 * vtest/persons.csv}). A person detection is a true positive when it contains a labelled point no
 * better-scoring detection has claimed; recall is the share of labelled people found. Prints the
 * table recorded in embedder/README.md and guards the default threshold's figures.
 */
class DetectorQualityTest extends WithBundledDetectors {
  /** A labelled person: a point in a frame, in pixels. */
  record Point(String frame, int x, int y) {}

  /** Counts at one threshold. */
  record Quality(float threshold, int truePositives, int falsePositives, int labelled) {
    double recall() {
      return truePositives / (double) labelled;
    }

    double precision() {
      int detected = truePositives + falsePositives;
      return detected == 0 ? 1 : truePositives / (double) detected;
    }
  }

  private static final Map<String, List<Detection>> PEOPLE = new LinkedHashMap<>();
  private static final Map<String, int[]> SIZES = new LinkedHashMap<>();
  private static List<Point> labels;

  @BeforeAll
  static void detectOnce() throws IOException {
    labels = labels();
    for (String frame : labels.stream().map(Point::frame).distinct().toList()) {
      BufferedImage image = ObjectSearchOnVtestTest.resource("/vtest/" + frame + ".jpg");
      SIZES.put(frame, new int[] {image.getWidth(), image.getHeight()});
      PEOPLE.put(
          frame, objects.detect(image).stream().filter(d -> d.label().equals("person")).toList());
    }
  }

  static List<Point> labels() throws IOException {
    try (InputStream in = DetectorQualityTest.class.getResourceAsStream("/vtest/persons.csv")) {
      List<Point> points = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.strip().split(",");
        points.add(new Point(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2])));
      }
      return points;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Greedy matching, best score first: each detection at or above {@code threshold} claims the
   * unclaimed labelled point inside its box nearest to the box centre, if any. Pure.
   */
  static Quality quality(
      Map<String, List<Detection>> detections,
      Map<String, int[]> sizes,
      List<Point> points,
      float threshold) {
    int tp = 0;
    int fp = 0;
    Set<Point> claimed = new HashSet<>();
    for (Map.Entry<String, List<Detection>> frame : detections.entrySet()) {
      int[] size = sizes.get(frame.getKey());
      List<Detection> ranked =
          frame.getValue().stream()
              .filter(d -> d.score() >= threshold)
              .sorted(Comparator.comparingDouble(Detection::score).reversed())
              .toList();
      for (Detection d : ranked) {
        Box b = d.box();
        double cx = (b.x0() + b.x1()) / 2 * size[0];
        double cy = (b.y0() + b.y1()) / 2 * size[1];
        Point best =
            points.stream()
                .filter(p -> p.frame().equals(frame.getKey()) && !claimed.contains(p))
                .filter(p -> inside(b, p.x() / (double) size[0], p.y() / (double) size[1]))
                .min(Comparator.comparingDouble(p -> Math.hypot(p.x() - cx, p.y() - cy)))
                .orElse(null);
        if (best == null) {
          fp++;
        } else {
          claimed.add(best);
          tp++;
        }
      }
    }
    return new Quality(threshold, tp, fp, points.size());
  }

  private static boolean inside(Box b, double x, double y) {
    return x >= b.x0() && x <= b.x1() && y >= b.y0() && y <= b.y1();
  }

  @Test
  void matchingCountsEachLabelledPersonOnceAndEveryOtherBoxAsFalse() {
    Point p = new Point("f", 50, 50);
    Detection big = Detection.object(0, 0.9f, new Box(0.4f, 0.4f, 0.6f, 0.6f));
    Detection twin = Detection.object(0, 0.8f, new Box(0.42f, 0.42f, 0.6f, 0.6f));
    Detection elsewhere = Detection.object(0, 0.3f, new Box(0f, 0f, 0.1f, 0.1f));
    Map<String, List<Detection>> dets = Map.of("f", List.of(elsewhere, twin, big));
    Map<String, int[]> sizes = Map.of("f", new int[] {100, 100});
    Quality all = quality(dets, sizes, List.of(p, new Point("f", 90, 90)), 0.2f);
    assertThat(all.truePositives()).isEqualTo(1);
    assertThat(all.falsePositives()).as("the twin box and the empty one").isEqualTo(2);
    assertThat(all.recall()).isEqualTo(0.5);
    Quality strict = quality(dets, sizes, List.of(p), 0.85f);
    assertThat(strict.truePositives()).isEqualTo(1);
    assertThat(strict.falsePositives()).isZero();
  }

  @Test
  void peopleOnLabelledFramesAreFoundAndThresholdsTradeRecallForPrecision() {
    System.out.println("| min score | people found (recall) | person boxes right (precision) |");
    System.out.println("| --- | --- | --- |");
    Map<Float, Quality> byThreshold = new LinkedHashMap<>();
    for (float t : new float[] {0.2f, 0.3f, 0.4f, 0.5f}) {
      Quality q = quality(PEOPLE, SIZES, labels, t);
      byThreshold.put(t, q);
      System.out.printf(
          "| %.1f | %d / %d (%.2f) | %d / %d (%.2f) |%n",
          t,
          q.truePositives(),
          q.labelled(),
          q.recall(),
          q.truePositives(),
          q.truePositives() + q.falsePositives(),
          q.precision());
    }
    assertThat(labels).hasSize(40);
    Quality chosen = byThreshold.get(ObjectDetector.Options.DEFAULT.minScore());
    // measured (embedder/README.md): 39/40 people at the default 0.2 (precision 0.55: a rock, a
    // post and the tripod are "people" in every frame); 0.95 recall and 0.93 precision at 0.4
    assertThat(chosen.recall()).as("recall at the default threshold").isGreaterThanOrEqualTo(0.95);
    assertThat(byThreshold.get(0.4f).precision())
        .as("precision at 0.4")
        .isGreaterThanOrEqualTo(0.9);
    assertThat(byThreshold.get(0.4f).recall()).as("recall at 0.4").isGreaterThanOrEqualTo(0.9);
  }
}
