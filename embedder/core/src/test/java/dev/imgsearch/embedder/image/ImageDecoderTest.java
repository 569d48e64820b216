package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.image.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(new DecodeLimits(1 << 20, 1_000_000, 224));

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  private static Reason reasonOf(byte[] data, ImageDecoder d) {
    try {
      d.decode(data);
      throw new AssertionError("expected a rejection");
    } catch (ImageRejectedException e) {
      return e.reason();
    }
  }

  @Test
  void decodesPngAndJpegToOpaqueRgb() throws Exception {
    BufferedImage argb =
        new BufferedImage(30, 20, BufferedImage.TYPE_INT_ARGB); // fully transparent
    BufferedImage png = decoder.decode(encode(argb, "png"));
    assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(png.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF); // alpha flattened on white

    BufferedImage jpeg =
        decoder.decode(encode(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "jpg"));
    assertThat(jpeg.getWidth()).isEqualTo(40);
  }

  @Test
  void rejectsEmptyOversizedAndUnknownInput() {
    assertThat(reasonOf(new byte[0], decoder)).isEqualTo(Reason.EMPTY);
    assertThat(reasonOf(new byte[(1 << 20) + 1], decoder)).isEqualTo(Reason.TOO_LARGE);
    assertThat(reasonOf("hello, I am text named .jpg".getBytes(), decoder))
        .isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void rejectsTruncatedDataAsCorrupt() throws Exception {
    byte[] png = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");
    assertThat(reasonOf(Arrays.copyOf(png, 40), decoder)).isEqualTo(Reason.CORRUPT);
  }

  @Test
  void checksPixelCountFromTheHeaderBeforeDecoding() throws Exception {
    // 2000 x 1000 = 2 MP > 1 MP limit; the file itself is small
    byte[] png = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_BYTE_BINARY), "png");
    assertThat(png.length).isLessThan(1 << 20);
    assertThatThrownBy(() -> decoder.decode(png))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("2000x1000");
  }

  @Test
  void subsamplesLargeImagesButKeepsTwiceTheTargetResolution() throws Exception {
    byte[] jpeg = encode(new BufferedImage(2000, 1000, BufferedImage.TYPE_INT_RGB), "jpg");
    ImageDecoder d = new ImageDecoder(new DecodeLimits(8 << 20, 50_000_000, 224), false); // ImageIO
    BufferedImage img = d.decode(jpeg);
    assertThat(img.getHeight()).isLessThan(1000).isGreaterThanOrEqualTo(448);
    // with libjpeg-turbo (when installed): DCT-scaled to 1/4 → 500 × 250, still ≥ the target
    // (TurboJpegTest)
    BufferedImage scaled =
        new ImageDecoder(new DecodeLimits(8 << 20, 50_000_000, 224)).decode(jpeg);
    assertThat(scaled.getHeight()).isEqualTo(TurboJpeg.enabled() ? 250 : img.getHeight());
    assertThat(new DecodeLimits(1, 1, 224).subsampling(4000, 3000)).isEqualTo(6);
    assertThat(new DecodeLimits(1, 1, 224).subsampling(300, 300)).isEqualTo(1);
  }

  /**
   * 399 × 125 000 RGB: 49.9 MP, under the 50 MP limit; ~150 MB raster + ~200 MB RGB copy at full
   * size.
   */
  static final byte[] TALL_THIN = TestImages.flatPng(399, 125_000, 8, 2);

  @Test
  void aTallThinPngUnderThePixelLimitIsRejectedForItsAspectRatioFromTheHeader() {
    assertThat(TALL_THIN.length).isLessThan(400_000);
    assertThat(399L * 125_000).isLessThan(DecodeLimits.DEFAULT.maxPixels());
    for (boolean turbo : new boolean[] {false, true}) {
      assertThatThrownBy(() -> new ImageDecoder(DecodeLimits.DEFAULT, turbo).decode(TALL_THIN))
          .isInstanceOfSatisfying(
              ImageRejectedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.ASPECT_RATIO);
                assertThat(e.reason().code()).isEqualTo("aspect-ratio");
                assertThat(e.getMessage()).contains("399x125000");
              });
    }
  }

  @Test
  void allowedThatTallItIsDecodedSubsampledWithinTheRasterBudget() throws Exception {
    DecodeLimits limits = new DecodeLimits(32 << 20, 50_000_000, 224, 16L << 20, 1000);
    BufferedImage img = new ImageDecoder(limits, false).decode(TALL_THIN);
    assertThat(DecodeLimits.decodeBytes(img.getWidth(), img.getHeight(), 1, 3))
        .isLessThanOrEqualTo(16L << 20);
    assertThat(img.getHeight()).isGreaterThan(300 * img.getWidth()); // same shape, fewer pixels
    assertThat(img.getRGB(0, 0) & 0xFF)
        .isLessThan(img.getRGB(0, img.getHeight() - 1) & 0xFF); // the gradient
  }

  @Test
  void aSixteenBitPngUnderThePixelLimitButOverTheRasterBudgetIsDecodedWithinIt() throws Exception {
    // 800 × 40 000 16-bit RGBA: 32 MP (< 50 MP) but 8 bytes a pixel, a 256 MB raster at full size —
    // and the shorter
    // side (800) is under 4 × the target, so the pixel-count subsampling alone read it whole
    byte[] png = TestImages.flatPng(800, 40_000, 16, 6);
    DecodeLimits limits = DecodeLimits.DEFAULT;
    assertThat(limits.subsampling(800, 40_000)).isEqualTo(1);
    BufferedImage img = new ImageDecoder(limits, false).decode(png);
    assertThat(DecodeLimits.decodeBytes(img.getWidth(), img.getHeight(), 1, 8))
        .isLessThanOrEqualTo(limits.maxRasterBytes());
    assertThat(img.getWidth())
        .isLessThan(800)
        .isGreaterThanOrEqualTo(DecodeLimits.MIN_DECODED_SIDE);
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
  }

  @Test
  void anImageThatCannotBeDecodedWithinTheBudgetAtAUsableSizeIsRejected() throws Exception {
    DecodeLimits oneKiB = new DecodeLimits(1 << 20, 1_000_000, 224, 1 << 10, 200);
    byte[] png = encode(new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB), "png");
    assertThat(reasonOf(png, new ImageDecoder(oneKiB, false))).isEqualTo(Reason.RASTER_TOO_LARGE);
    assertThat(Reason.RASTER_TOO_LARGE.code()).isEqualTo("raster-too-large");
    byte[] jpeg = encode(new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB), "jpg");
    assertThat(reasonOf(jpeg, new ImageDecoder(oneKiB))).isEqualTo(Reason.RASTER_TOO_LARGE);
  }
}
