package dev.imgsearch.embedder.image;

import java.util.Optional;

/**
 * The image formats the decoder accepts, recognised by their magic bytes only: a file name, an
 * extension or an S3 content type is never trusted (cameras and users mislabel files, attackers do
 * it on purpose).
 */
public enum ImageFormat {
  JPEG("jpeg"),
  PNG("png"),
  GIF("gif"),
  WEBP("webp"),
  BMP("bmp"),
  TIFF("tiff");

  private final String imageIoName;

  ImageFormat(String imageIoName) {
    this.imageIoName = imageIoName;
  }

  /** The ImageIO format name whose readers handle this format. */
  public String imageIoName() {
    return imageIoName;
  }

  /**
   * The format announced by the first bytes of {@code data}, or empty when none of the supported
   * ones matches.
   */
  public static Optional<ImageFormat> sniff(byte[] data) {
    if (data == null) {
      return Optional.empty();
    }
    if (startsWith(data, 0, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(data, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(data, 0, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(data, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return Optional.of(GIF);
    }
    if (startsWith(data, 0, 'R', 'I', 'F', 'F') && startsWith(data, 8, 'W', 'E', 'B', 'P')) {
      return Optional.of(WEBP);
    }
    // "BM" + a DIB header size that exists (12, 40, 52, 56, 64, 108, 124): plain text starting with
    // "BM" is not a BMP
    if (startsWith(data, 0, 'B', 'M') && data.length >= 18) {
      int dib =
          (data[14] & 0xff)
              | (data[15] & 0xff) << 8
              | (data[16] & 0xff) << 16
              | (data[17] & 0xff) << 24;
      if (dib == 12
          || dib == 40
          || dib == 52
          || dib == 56
          || dib == 64
          || dib == 108
          || dib == 124) {
        return Optional.of(BMP);
      }
    }
    if (startsWith(data, 0, 'I', 'I', 0x2A, 0x00) || startsWith(data, 0, 'M', 'M', 0x00, 0x2A)) {
      return Optional.of(TIFF);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] data, int offset, int... magic) {
    if (data.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((data[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
