package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imgsearch.embedder.model.GoldenReference;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.embedder.model.Preprocessor;
import dev.imgsearch.embedder.model.Vectors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The libjpeg-turbo path against the ImageIO path on the same files. Needs {@code
 * libturbojpeg.so.0} ({@code scripts/deps/turbojpeg.sh}, run by {@code ./imgsearch test}); without
 * it every test here is skipped and the skip message says why.
 */
class TurboJpegTest {
  static final DecodeLimits LIMITS = new DecodeLimits(BadImageCorpus.MAX_BYTES, 50_000_000L, 224);
  static final ImageDecoder TURBO = new ImageDecoder(LIMITS, true);
  static final ImageDecoder IMAGE_IO = new ImageDecoder(LIMITS, false);
  static OnnxImageEmbedder embedder;
  static Preprocessor preprocessor;

  @BeforeAll
  static void load() {
    if (TurboJpeg.enabled()) {
      embedder =
          OnnxImageEmbedder.fromClasspath("nsfwjs-mobilenetv2-b13", LIMITS, OnnxOptions.DEFAULT);
      preprocessor = new Preprocessor(embedder.descriptor());
    }
  }

  /** Per test, so each one is reported as skipped, with the reason. */
  @BeforeEach
  void requireLibrary() {
    assumeTrue(
        TurboJpeg.enabled(),
        () ->
            "libjpeg-turbo tests skipped: "
                + TurboJpeg.status()
                + " — run scripts/deps/turbojpeg.sh (or install libturbojpeg0)");
  }

  @AfterAll
  static void close() {
    if (embedder != null) {
      embedder.close();
    }
  }

  /**
   * Camera-like synthetic JPEGs at the benchmark's sizes, a progressive one, and the opencv-doc
   * photos if present.
   */
  static Map<String, byte[]> photos() throws IOException {
    Map<String, byte[]> photos = new LinkedHashMap<>();
    photos.put("synthetic 2 MP", TestImages.encode(TestImages.noisyScene(1632, 1224, 1), "jpg"));
    photos.put("synthetic 0.3 MP", TestImages.encode(TestImages.noisyScene(640, 480, 2), "jpg"));
    photos.put("synthetic 12 MP", TestImages.encode(TestImages.scene(4000, 3000, 3), "jpg"));
    photos.put(
        "progressive 2 MP", TestImages.progressiveJpeg(TestImages.noisyScene(1632, 1224, 4)));
    Path dir = Path.of(System.getProperty("imgsearch.repo.root", "."), ".tools", "photos");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
          photos.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
      }
    }
    return photos;
  }

  @Test
  void scalesInTheDctDomainToTheSmallestSizeCoveringTheModelInput() throws Exception {
    long before = TurboJpeg.decodedCount();
    BufferedImage twoMp =
        TURBO.decode(TestImages.encode(TestImages.noisyScene(1632, 1224, 1), "jpg"));
    assertThat(twoMp.getWidth()).isEqualTo(408); // 1/4: 306 ≥ 224; 1/8 would give 153
    assertThat(twoMp.getHeight()).isEqualTo(306);
    BufferedImage vga = TURBO.decode(TestImages.encode(TestImages.scene(640, 480, 2), "jpg"));
    assertThat(vga.getWidth()).isEqualTo(320); // 1/2
    BufferedImage small = TURBO.decode(TestImages.encode(TestImages.scene(300, 200, 3), "jpg"));
    assertThat(small.getWidth()).isEqualTo(300); // 1/1: 1/2 would be 100 high
    assertThat(TurboJpeg.decodedCount() - before).isEqualTo(3);
    assertThat(twoMp.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
  }

  /**
   * After preprocessing to the model input, the turbo image is close to ImageIO's and embeds the
   * same. Measured on the opencv-doc photos: mean |Δ| 0–1 of 255 on most, up to ~6 on finely
   * textured ones (aloe, leuven: a DCT-scaled image is sampled half a pixel apart from a halved
   * one, which texture turns into Δ), cosine ≥ 0.998 everywhere.
   */
  @Test
  void sameImageAsImageIoAfterPreprocessingAndTheSameEmbedding() throws Exception {
    ImageDecoder fullResolution =
        new ImageDecoder(new DecodeLimits(LIMITS.maxBytes(), LIMITS.maxPixels(), 0), false);
    List<String> report = new ArrayList<>();
    List<Runnable> checks = new ArrayList<>();
    double sum = 0;
    for (Map.Entry<String, byte[]> photo : photos().entrySet()) {
      BufferedImage fast = TURBO.decode(photo.getValue());
      BufferedImage reference = IMAGE_IO.decode(photo.getValue());
      BufferedImage full = fullResolution.decode(photo.getValue());
      double turboVsImageIo = meanAbsPixelDiff(fast, reference);
      double subsampledVsFull = meanAbsPixelDiff(reference, full);
      double turboVsFull = meanAbsPixelDiff(fast, full);
      double cos =
          Vectors.cosine(
              embedder.embedImages(List.of(fast)).get(0),
              embedder.embedImages(List.of(reference)).get(0));
      String line =
          String.format(
              "%s: turbo %dx%d, ImageIO %dx%d; mean |Δpixel| turbo~ImageIO %.2f, turbo~full %.2f,"
                  + " ImageIO~full %.2f; cos %.5f",
              photo.getKey(),
              fast.getWidth(),
              fast.getHeight(),
              reference.getWidth(),
              reference.getHeight(),
              turboVsImageIo,
              turboVsFull,
              subsampledVsFull,
              cos);
      report.add(line);
      sum += turboVsImageIo;
      checks.add(
          () -> {
            assertThat(turboVsImageIo).as(line).isLessThan(8.0);
            assertThat(cos).as(line).isGreaterThanOrEqualTo(0.99);
          });
    }
    System.out.println(String.join("\n", report));
    checks.forEach(Runnable::run);
    assertThat(sum / report.size()).as("mean over all photos").isLessThan(2.0);
  }

  /**
   * Mean |Δ| per 8-bit channel value between the model-input tensors of two images (nsfwjs: pixel /
   * 255).
   */
  static double meanAbsPixelDiff(BufferedImage x, BufferedImage y) {
    float[] a = preprocessor.toTensor(x);
    float[] b = preprocessor.toTensor(y);
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff += Math.abs(a[i] - b[i]);
    }
    return diff / a.length * 255;
  }

  @Test
  void everyCorpusFileGetsTheSameOutcomeAsThroughImageIo() {
    long before = TurboJpeg.decodedCount();
    for (BadImageCorpus.Case c : BadImageCorpus.cases()) {
      assertThat(BadImageCorpusTest.outcome(TURBO, c.bytes()))
          .as(c.name())
          .isEqualTo(c.expectedReason());
      assertThat(BadImageCorpusTest.outcome(IMAGE_IO, c.bytes()))
          .as(c.name())
          .isEqualTo(c.expectedReason());
    }
    // exif-rotated, 10000x50, grey, camera-12mp: the turbo path really ran
    assertThat(TurboJpeg.decodedCount() - before).isGreaterThanOrEqualTo(4);
  }

  @Test
  void truncatedJpegIsHandedToImageIoWhichCallsItCorrupt() {
    byte[] photo = TestImages.encode(TestImages.noisyScene(640, 480, 5), "jpg");
    long fallbacks = TurboJpeg.fallbackCount();
    assertThat(BadImageCorpusTest.outcome(TURBO, java.util.Arrays.copyOf(photo, photo.length / 2)))
        .isEqualTo("corrupt");
    assertThat(TurboJpeg.fallbackCount()).isEqualTo(fallbacks + 1);
  }

  @Test
  void cutInsideTheHeaderGetsImageIosVerdict() {
    byte[] photo = TestImages.encode(TestImages.scene(640, 480, 9), "jpg");
    for (int cut : new int[] {4, 20, 100, 300, 600}) {
      byte[] head = java.util.Arrays.copyOf(photo, cut);
      assertThat(BadImageCorpusTest.outcome(TURBO, head))
          .as("cut at " + cut)
          .isEqualTo(BadImageCorpusTest.outcome(IMAGE_IO, head));
    }
  }

  /**
   * 60 JPEGs with 1–8 flipped bits: libjpeg-turbo rejects some that ImageIO decodes; ImageIO's
   * verdict stands.
   */
  @Test
  void damagedJpegsGetTheSameOutcomeAsThroughImageIo() {
    byte[] photo = TestImages.encode(TestImages.noisyScene(640, 480, 10), "jpg");
    java.util.Random rnd = new java.util.Random(42);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      byte[] damaged = photo.clone();
      for (int flips = 1 + rnd.nextInt(8); flips > 0; flips--) {
        damaged[2 + rnd.nextInt(damaged.length - 2)] ^= (byte) (1 << rnd.nextInt(8));
      }
      String fast = BadImageCorpusTest.outcome(TURBO, damaged);
      String reference = BadImageCorpusTest.outcome(IMAGE_IO, damaged);
      if (!java.util.Objects.equals(fast, reference)) {
        mismatches.add("mutation " + i + ": turbo " + fast + ", ImageIO " + reference);
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void cmykGoesToTwelveMonkeysUnchanged() throws Exception {
    byte[] cmyk = TestImages.cmykJpeg(320, 240);
    long fallbacks = TurboJpeg.fallbackCount();
    BufferedImage viaTurboDecoder = TURBO.decode(cmyk);
    assertThat(TurboJpeg.fallbackCount()).isEqualTo(fallbacks + 1);
    BufferedImage viaImageIo = IMAGE_IO.decode(cmyk);
    assertThat(Pixels.rgb(viaTurboDecoder)).isEqualTo(Pixels.rgb(viaImageIo));
  }

  @Test
  void exifOrientationIsAppliedAfterTheTurboDecode() throws Exception {
    BufferedImage upright = TestImages.noisyScene(1632, 1224, 6);
    byte[] rotated = TestImages.rotatedJpeg(upright);
    long before = TurboJpeg.decodedCount();
    BufferedImage img = TURBO.decode(rotated);
    assertThat(TurboJpeg.decodedCount()).isEqualTo(before + 1);
    assertThat(img.getWidth()).isEqualTo(408);
    assertThat(img.getHeight()).isEqualTo(306);
    float[] a = embedder.embedImages(List.of(img)).get(0);
    float[] b = embedder.embedImages(List.of(upright)).get(0);
    assertThat(Vectors.cosine(a, b)).isGreaterThan(0.98);
  }

  @Test
  void goldenImagesAsJpegStillMatchTheTfjsReference() throws Exception {
    for (String image : List.of("input-224", "input2-224", "input3-224")) {
      BufferedImage png =
          ImageIO.read(
              new ByteArrayInputStream(GoldenReference.MOBILENET_V2.bytes(image + ".png")));
      byte[] jpeg = TestImages.encode(png, "jpg");
      long before = TurboJpeg.decodedCount();
      float[] fast = embedder.embed(jpeg);
      assertThat(TurboJpeg.decodedCount()).isEqualTo(before + 1);
      float[] reference = embedder.embedImages(List.of(IMAGE_IO.decode(jpeg))).get(0);
      float[] tfjs = GoldenReference.MOBILENET_V2.reference(image);
      assertThat(Vectors.cosine(fast, reference)).as(image).isGreaterThanOrEqualTo(0.999);
      // JPEG re-encoding at 224 px alone costs ~0.015 (OnnxImageEmbedderTest)
      assertThat(Vectors.cosine(fast, tfjs)).as(image).isGreaterThan(0.97);
    }
  }

  @Test
  void concurrentDecodesAgree() throws Exception {
    byte[] jpeg = TestImages.encode(TestImages.noisyScene(1632, 1224, 7), "jpg");
    int[] expected = Pixels.rgb(TURBO.decode(jpeg)).clone();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<int[]>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        results.add(pool.submit(() -> Pixels.rgb(TURBO.decode(jpeg))));
      }
      for (Future<int[]> r : results) {
        assertThat(r.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A restarted Flink job: the same classes in a new class loader, the library already bound to the
   * first one.
   */
  @Test
  void loadsAgainInANewClassLoader() throws Exception {
    java.net.URL[] urls = {
      TurboJpeg.class.getProtectionDomain().getCodeSource().getLocation(),
      org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation()
    };
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Class<?> other = loader.loadClass(TurboJpeg.class.getName());
      assertThat(other).isNotSameAs(TurboJpeg.class);
      assertThat((Boolean) other.getMethod("available").invoke(null)).isTrue();
      assertThat((String) other.getMethod("status").invoke(null)).contains("private copy");
    }
  }

  @Test
  void systemPropertyTurnsTheFastPathOff() throws Exception {
    byte[] jpeg = TestImages.encode(TestImages.scene(640, 480, 8), "jpg");
    System.setProperty(TurboJpeg.ENABLED_PROPERTY, "false");
    try {
      long before = TurboJpeg.decodedCount();
      BufferedImage img = new ImageDecoder(LIMITS).decode(jpeg);
      assertThat(TurboJpeg.decodedCount()).isEqualTo(before);
      assertThat(img.getWidth()).isEqualTo(640); // ImageIO: 480 / 448 → no subsampling
      assertThat(TurboJpeg.status()).startsWith("ImageIO");
    } finally {
      System.clearProperty(TurboJpeg.ENABLED_PROPERTY);
    }
    assertThat(TurboJpeg.status()).startsWith("libjpeg-turbo");
  }
}
