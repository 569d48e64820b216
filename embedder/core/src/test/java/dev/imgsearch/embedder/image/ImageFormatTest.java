package dev.imgsearch.embedder.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {
  @Test
  void recognisesEachFormatByItsMagicBytes() {
    BufferedImage img = TestImages.scene(16, 16, 1);
    assertThat(ImageFormat.sniff(TestImages.encode(img, "jpg"))).contains(ImageFormat.JPEG);
    assertThat(ImageFormat.sniff(TestImages.encode(img, "png"))).contains(ImageFormat.PNG);
    assertThat(ImageFormat.sniff(TestImages.encode(img, "gif"))).contains(ImageFormat.GIF);
    assertThat(ImageFormat.sniff(TestImages.encode(img, "bmp"))).contains(ImageFormat.BMP);
    assertThat(ImageFormat.sniff(TestImages.encode(img, "tiff"))).contains(ImageFormat.TIFF);
    byte[] webp = "RIFF\0\0\0\0WEBPVP8L".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(ImageFormat.sniff(webp)).contains(ImageFormat.WEBP);
  }

  @Test
  void textAndLookAlikesAreNotImages() {
    assertThat(ImageFormat.sniff("BM is how this text starts".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(ImageFormat.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1)))
        .isEmpty();
    assertThat(ImageFormat.sniff("GIF87".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEmpty();
    assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
    assertThat(ImageFormat.sniff(null)).isEmpty();
  }
}
