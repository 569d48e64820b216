package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The resize of a decoded 0.3 MP frame (320×240 after libjpeg-turbo's 1/2 DCT scaling, its centred
 * 240² to the model's 224²): {@link Bilinear} against Java2D's bilinear {@code drawImage}, which
 * did it before, in the same JVM. Run with {@code ./mvnw -pl embedder/core verify
 * -Dimgsearch.benchmark=true -Dit.test=ResizeBenchmarkIT -Dtest=NoSuch
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "imgsearch.benchmark", matches = "true")
class ResizeBenchmarkIT {
  interface Action {
    Object run();
  }

  /** Microseconds per call in each of three 1-second rounds, after 2,000 warm-up calls. */
  static double[] time(Action a) {
    for (int i = 0; i < 2000; i++) {
      a.run();
    }
    double[] rounds = new double[3];
    for (int r = 0; r < rounds.length; r++) {
      long t0 = System.nanoTime();
      int n = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        a.run();
        n++;
      }
      rounds[r] = (System.nanoTime() - t0) / 1e3 / n;
    }
    return rounds;
  }

  @Test
  void bilinearAgainstJava2d() {
    int[] frame = BilinearTest.card(320, 240, 7);
    int[] centre = Bilinear.resize(frame, 320, 40, 0, 240, 240, 240, 240); // the crop, copied
    StringBuilder out = new StringBuilder("resize of a 240² centre to 224², µs per call:\n");
    for (int round = 1; round <= 2; round++) { // the second round is the one to read
      double[] java2d = time(() -> BilinearTest.java2d(centre, 240, 240, 224, 224));
      double[] ours = time(() -> Bilinear.resize(centre, 240, 0, 0, 240, 240, 224, 224));
      out.append(
          String.format(
              "round %d: Java2D %.0f, %.0f, %.0f; Bilinear %.0f, %.0f, %.0f%n",
              round, java2d[0], java2d[1], java2d[2], ours[0], ours[1], ours[2]));
    }
    System.out.print(out);
    double[] d =
        BilinearTest.difference(
            Bilinear.resize(centre, 240, 0, 0, 240, 240, 224, 224),
            BilinearTest.java2d(centre, 240, 240, 224, 224));
    assertThat(d[0]).isLessThanOrEqualTo(1);
  }
}
