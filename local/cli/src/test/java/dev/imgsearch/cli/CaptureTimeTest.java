package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.IFD;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTimeTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant MTIME = Instant.parse("2020-01-02T03:04:05Z");

  @TempDir Path tmp;

  @Test
  void exifTimesAreLocalTimeInTheGivenZoneUnlessAnOffsetIsRecorded() {
    assertThat(CaptureTime.parse("2024:05:01 12:34:56", null, BERLIN))
        .contains(Instant.parse("2024-05-01T10:34:56Z"));
    assertThat(CaptureTime.parse("2024:05:01 12:34:56\0", "+05:30\0", BERLIN))
        .contains(Instant.parse("2024-05-01T07:04:56Z"));
    assertThat(CaptureTime.parse("2024:05:01 12:34:56", "garbage", ZoneOffset.UTC))
        .contains(Instant.parse("2024-05-01T12:34:56Z"));
  }

  @Test
  void blankZeroedOrMalformedExifTimesAreAbsent() {
    assertThat(CaptureTime.parse("    :  :     :  :  ", null, BERLIN)).isEmpty();
    assertThat(CaptureTime.parse("0000:00:00 00:00:00", null, BERLIN)).isEmpty();
    assertThat(CaptureTime.parse("2024-05-01T12:34:56", null, BERLIN)).isEmpty();
    assertThat(CaptureTime.parse("2024:13:01 12:34:56", null, BERLIN)).isEmpty();
    assertThat(CaptureTime.parse(null, null, BERLIN)).isEmpty();
  }

  @Test
  void aJpegsExifDateTimeOriginalWins() throws Exception {
    Path photo = write("a.jpg", jpegWithExif("2023:07:14 18:00:00", "-04:00"));
    assertThat(CaptureTime.of(photo, BERLIN)).isEqualTo(Instant.parse("2023-07-14T22:00:00Z"));
    Path local = write("b.jpeg", jpegWithExif("2023:07:14 18:00:00", null));
    assertThat(CaptureTime.of(local, BERLIN)).isEqualTo(Instant.parse("2023-07-14T16:00:00Z"));
  }

  @Test
  void withoutExifTheModificationTimeIsUsed() throws Exception {
    Path plain = write("plain.jpg", jpeg());
    Path png = tmp.resolve("p.png");
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    Files.setLastModifiedTime(png, FileTime.from(MTIME));
    Path damaged = write("damaged.jpg", damagedExif());
    Path text = write("not-an-image.jpg", "hello".getBytes(StandardCharsets.UTF_8));
    for (Path p : List.of(plain, png, damaged, text)) {
      assertThat(CaptureTime.exif(p, BERLIN)).as(p.toString()).isEqualTo(Optional.empty());
      assertThat(CaptureTime.of(p, BERLIN)).as(p.toString()).isEqualTo(MTIME);
    }
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path p = Files.write(tmp.resolve(name), bytes);
    Files.setLastModifiedTime(p, FileTime.from(MTIME));
    return p;
  }

  static byte[] jpeg() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", out);
    return out.toByteArray();
  }

  /**
   * A JPEG with an APP1 "Exif" segment whose EXIF sub-IFD holds DateTimeOriginal (and
   * OffsetTimeOriginal).
   */
  static byte[] jpegWithExif(String dateTimeOriginal, String offset) throws Exception {
    List<Entry> exif = new ArrayList<>();
    exif.add(new TIFFEntry(CaptureTime.TAG_DATE_TIME_ORIGINAL, TIFF.TYPE_ASCII, dateTimeOriginal));
    if (offset != null) {
      exif.add(new TIFFEntry(CaptureTime.TAG_OFFSET_TIME_ORIGINAL, TIFF.TYPE_ASCII, offset));
    }
    List<Entry> ifd0 = List.of(new TIFFEntry(TIFF.TAG_EXIF_IFD, TIFF.TYPE_LONG, new IFD(exif)));
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(tiff)) {
      new TIFFWriter().write(ifd0, ios);
    }
    return withApp1(jpeg(), tiff.toByteArray());
  }

  /** An "Exif" segment whose TIFF header points past its end. */
  static byte[] damagedExif() throws Exception {
    return withApp1(jpeg(), new byte[] {'M', 'M', 0, 42, 0x7f, 0, 0, 0});
  }

  private static byte[] withApp1(byte[] jpeg, byte[] tiff) {
    byte[] header = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + header.length + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(header);
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
