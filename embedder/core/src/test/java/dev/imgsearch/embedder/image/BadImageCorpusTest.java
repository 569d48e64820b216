package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every corpus file gets its outcome from the decoder, and every decodable one a unit vector from
 * the model.
 */
class BadImageCorpusTest {
  static final DecodeLimits LIMITS = new DecodeLimits(BadImageCorpus.MAX_BYTES, 50_000_000L, 224);
  static List<BadImageCorpus.Case> corpus;
  static Map<String, BadImageCorpus.Case> byName;
  static OnnxImageEmbedder embedder;

  @BeforeAll
  static void setUp() {
    corpus = BadImageCorpus.cases();
    byName =
        corpus.stream().collect(Collectors.toMap(BadImageCorpus.Case::name, Function.identity()));
    embedder =
        OnnxImageEmbedder.fromClasspath("nsfwjs-mobilenetv2-b13", LIMITS, OnnxOptions.DEFAULT);
  }

  @AfterAll
  static void tearDown() {
    embedder.close();
  }

  static String outcome(ImageDecoder decoder, byte[] bytes) {
    try {
      decoder.decode(bytes);
      return null;
    } catch (ImageRejectedException e) {
      return e.reason().code();
    }
  }

  @Test
  void atLeastTwentyFilesEachWithItsOutcome() {
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(20);
    assertThat(corpus.stream().filter(BadImageCorpus.Case::embeds).count())
        .isGreaterThanOrEqualTo(10);
    assertThat(corpus.stream().filter(c -> !c.embeds()).count()).isGreaterThanOrEqualTo(10);
    ImageDecoder decoder = embedder.decoder();
    for (BadImageCorpus.Case c : corpus) {
      assertThat(outcome(decoder, c.bytes())).as(c.name()).isEqualTo(c.expectedReason());
    }
  }

  @Test
  void everyDecodableFileEmbedsToAUnitVector() throws Exception {
    for (BadImageCorpus.Case c : corpus) {
      if (c.embeds()) {
        float[] v = embedder.embed(c.bytes());
        double norm = 0;
        for (float x : v) {
          assertThat(Float.isFinite(x)).as(c.name()).isTrue();
          norm += x * x;
        }
        assertThat(Math.sqrt(norm))
            .as(c.name())
            .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
      }
    }
  }

  @Test
  void animatedGifGivesItsFirstFrame() throws Exception {
    BufferedImage img = embedder.decoder().decode(byName.get("animated.gif").bytes());
    assertThat(img.getRGB(10, 10) & 0xFFFFFF).isEqualTo(0xFF0000);
  }

  @Test
  void exifRotatedJpegIsDecodedUpright() throws Exception {
    BufferedImage img = embedder.decoder().decode(byName.get("exif-rotated.jpg").bytes());
    assertThat(img.getWidth()).isEqualTo(320);
    assertThat(img.getHeight()).isEqualTo(240);
    BufferedImage upright = TestImages.scene(320, 240, 4);
    assertThat(meanAbsDiff(img, upright)).isLessThan(6.0); // JPEG noise only
  }

  @Test
  void transparencyIsFlattenedOntoWhite() throws Exception {
    BufferedImage alpha = embedder.decoder().decode(byName.get("alpha.png").bytes());
    assertThat(alpha.getRGB(100, 50) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    BufferedImage webp = embedder.decoder().decode(byName.get("lossless-transparent.webp").bytes());
    assertThat(webp.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    BufferedImage palette =
        embedder.decoder().decode(byName.get("palette-transparent.png").bytes());
    // index 3 (transparent) at block (x/8 + y/8) % 4 == 3, e.g. pixel (24, 0)
    assertThat(palette.getRGB(24, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(palette.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
  }

  @Test
  void sixteenBitAndCmykBecomeEightBitRgb() throws Exception {
    BufferedImage rgb16 = embedder.decoder().decode(byName.get("16-bit-rgb.png").bytes());
    assertThat(rgb16.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    // (x=159, y=0) → R ≈ 65535·159/160 → ≈ 253, G = 0, B = 30000/257 ≈ 117
    int p = rgb16.getRGB(159, 0);
    assertThat((p >> 16) & 0xff).isBetween(250, 255);
    assertThat((p >> 8) & 0xff).isLessThan(3);
    assertThat(p & 0xff).isBetween(114, 119);
    BufferedImage cmyk = embedder.decoder().decode(byName.get("cmyk.jpg").bytes());
    assertThat(cmyk.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(cmyk.getWidth()).isEqualTo(320);
  }

  @Test
  void cameraSizedJpegIsDecodedSubsampled() throws Exception {
    byte[] camera = byName.get("camera-12mp.jpg").bytes();
    // ImageIO: 4000 × 3000, step = 3000 / 448 = 6 → 667 × 500: never below twice the model's 224
    // input
    BufferedImage img = new ImageDecoder(LIMITS, false).decode(camera);
    assertThat(img.getHeight()).isEqualTo(500);
    assertThat(img.getWidth()).isEqualTo(667);
    if (TurboJpeg.enabled()) { // libjpeg-turbo: 1/8 in the DCT domain → 500 × 375, still ≥ 224
      // (TurboJpegTest)
      BufferedImage fast = embedder.decoder().decode(camera);
      assertThat(fast.getWidth()).isEqualTo(500);
      assertThat(fast.getHeight()).isEqualTo(375);
    }
  }

  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        sum +=
            Math.abs(((p >> 16) & 0xff) - ((q >> 16) & 0xff))
                + Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff))
                + Math.abs((p & 0xff) - (q & 0xff));
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
