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
    BufferedImage argb = new BufferedImage(30, 20, BufferedImage.TYPE_INT_ARGB); // fully transparent
    BufferedImage png = decoder.decode(encode(argb, "png"));
    assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(png.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF); // alpha flattened on white

    BufferedImage jpeg = decoder.decode(encode(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "jpg"));
    assertThat(jpeg.getWidth()).isEqualTo(40);
  }

  @Test
  void rejectsEmptyOversizedAndUnknownInput() {
    assertThat(reasonOf(new byte[0], decoder)).isEqualTo(Reason.EMPTY);
    assertThat(reasonOf(new byte[(1 << 20) + 1], decoder)).isEqualTo(Reason.TOO_LARGE);
    assertThat(reasonOf("hello, I am text named .jpg".getBytes(), decoder)).isEqualTo(Reason.UNSUPPORTED_FORMAT);
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
    // with libjpeg-turbo (when installed): DCT-scaled to 1/4 → 500 × 250, still ≥ the target (TurboJpegTest)
    BufferedImage scaled = new ImageDecoder(new DecodeLimits(8 << 20, 50_000_000, 224)).decode(jpeg);
    assertThat(scaled.getHeight()).isEqualTo(TurboJpeg.enabled() ? 250 : img.getHeight());
    assertThat(new DecodeLimits(1, 1, 224).subsampling(4000, 3000)).isEqualTo(6);
    assertThat(new DecodeLimits(1, 1, 224).subsampling(300, 300)).isEqualTo(1);
  }
}
