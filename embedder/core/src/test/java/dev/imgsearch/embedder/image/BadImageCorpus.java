package dev.imgsearch.embedder.image;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bad-image corpus: every file a camera, a feed or a user can throw at the embedder, generated
 * (nothing binary is committed), each with the outcome it must get: embedded, or rejected with a
 * given dead-letter reason.
 */
public final class BadImageCorpus {
  private BadImageCorpus() {}

  /**
   * A corpus file: name (as it would be uploaded), bytes, expected reason code, or null when it
   * must be embedded.
   */
  public record Case(String name, byte[] bytes, String expectedReason) {
    public boolean embeds() {
      return expectedReason == null;
    }

    @Override
    public String toString() {
      return name + " → " + (embeds() ? "embedded" : expectedReason);
    }
  }

  /** Largest accepted file in bytes for the corpus' "too large" case. */
  public static final long MAX_BYTES = 8L << 20;

  public static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    byte[] photo = TestImages.encode(TestImages.scene(640, 480, 1), "jpg");
    // rejected
    c.add(new Case("truncated.jpg", Arrays.copyOf(photo, photo.length / 2), "corrupt"));
    c.add(new Case("empty.jpg", new byte[0], "empty"));
    c.add(
        new Case(
            "text-named.jpg",
            "hello, I am a text file named .jpg\n".getBytes(StandardCharsets.UTF_8),
            "unsupported-format"));
    c.add(
        new Case(
            "page.html.jpg",
            "<!doctype html><html><body>not an image</body></html>"
                .getBytes(StandardCharsets.UTF_8),
            "unsupported-format"));
    c.add(
        new Case(
            "vector.svg",
            "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"
                .getBytes(StandardCharsets.UTF_8),
            "unsupported-format"));
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    noise[0] = 0x13;
    c.add(new Case("random-bytes.png", noise, "unsupported-format"));
    c.add(
        new Case(
            "bomb-30000x30000.png",
            TestImages.pngHeaderClaiming(30_000, 30_000),
            "too-many-pixels"));
    c.add(
        new Case(
            "bomb-65535x65535.gif",
            TestImages.gifHeaderClaiming(65_535, 65_535),
            "too-many-pixels"));
    c.add(
        new Case(
            "bomb-60000x60000.jpg",
            TestImages.jpegHeaderClaiming(60_000, 60_000),
            "too-many-pixels"));
    byte[] garbageJpeg =
        Arrays.copyOf(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, 2048);
    Arrays.fill(garbageJpeg, 4, garbageJpeg.length, (byte) 0x5A);
    c.add(new Case("jpeg-magic-then-garbage.jpg", garbageJpeg, "corrupt"));
    byte[] png = TestImages.encode(TestImages.scene(200, 150, 2), "png");
    byte[] brokenPng = png.clone();
    for (int i = 60; i < brokenPng.length - 20; i++) {
      brokenPng[i] ^= 0x55; // IDAT payload scrambled
    }
    c.add(new Case("scrambled-idat.png", brokenPng, "corrupt"));
    c.add(new Case("truncated.png", Arrays.copyOf(png, png.length / 3), "corrupt"));
    c.add(
        new Case(
            "too-large.bmp",
            TestImages.encode(TestImages.scene(2000, 1500, 3), "bmp"),
            "too-large")); // 9 MB
    // embedded
    c.add(new Case("cmyk.jpg", TestImages.cmykJpeg(320, 240), null));
    c.add(new Case("16-bit-rgb.png", TestImages.png16BitRgb(160, 120), null));
    c.add(new Case("16-bit-grey.png", TestImages.png16BitGrey(160, 120), null));
    c.add(new Case("palette.png", TestImages.palettePng(128, 96, -1), null));
    c.add(new Case("palette-transparent.png", TestImages.palettePng(128, 96, 3), null));
    c.add(new Case("animated.gif", TestImages.animatedGif(120, 90, Color.RED, Color.BLUE), null));
    c.add(
        new Case(
            "exif-rotated.jpg",
            TestImages.withExifOrientation(
                TestImages.encode(TestImages.rotateCcw(TestImages.scene(320, 240, 4)), "jpg"),
                6,
                false),
            null));
    c.add(
        new Case(
            "1x1.png",
            TestImages.encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png"),
            null));
    c.add(
        new Case("10000x50.jpg", TestImages.encode(TestImages.scene(10_000, 50, 5), "jpg"), null));
    c.add(
        new Case("50x10000.png", TestImages.encode(TestImages.scene(50, 10_000, 6), "png"), null));
    BufferedImage alpha = new BufferedImage(200, 100, BufferedImage.TYPE_INT_ARGB);
    alpha.setRGB(0, 0, 0x80FF0000);
    c.add(new Case("alpha.png", TestImages.encode(alpha, "png"), null));
    BufferedImage grey = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
    grey.getGraphics().drawImage(TestImages.scene(300, 200, 7), 0, 0, null);
    c.add(new Case("grey.jpg", TestImages.encode(grey, "jpg"), null));
    c.add(new Case("photo.bmp", TestImages.encode(TestImages.scene(300, 200, 8), "bmp"), null));
    c.add(new Case("photo.tiff", TestImages.encode(TestImages.scene(300, 200, 9), "tiff"), null));
    c.add(new Case("png-named.jpg", png, null));
    // 1×1 WebPs (no WebP writer in ImageIO; these are Modernizr's public feature-detection images,
    // MIT)
    c.add(
        new Case(
            "lossy.webp",
            java.util.Base64.getDecoder()
                .decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"),
            null));
    c.add(
        new Case(
            "lossless-transparent.webp",
            java.util.Base64.getDecoder()
                .decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="),
            null));
    c.add(
        new Case(
            "camera-12mp.jpg", TestImages.encode(TestImages.scene(4000, 3000, 10), "jpg"), null));
    return c;
  }
}
