package dev.imgsearch.cli;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * When a photo was taken: EXIF {@code DateTimeOriginal} (with {@code OffsetTimeOriginal} when the
 * camera wrote it, else in a given time zone: EXIF times are the camera's local time), else the
 * file's modification time. EXIF is read with TwelveMonkeys' metadata readers from JPEG (APP1
 * "Exif" segment, read up to the image data only) and TIFF files; a missing, blank ({@code " : : :
 * : "}), zeroed or damaged value falls back, never fails.
 */
final class CaptureTime {
  /** EXIF tag DateTimeOriginal (0x9003), "YYYY:MM:DD HH:MM:SS". */
  static final int TAG_DATE_TIME_ORIGINAL = 0x9003;

  /** EXIF 2.31 tag OffsetTimeOriginal (0x9011), "+HH:MM". */
  static final int TAG_OFFSET_TIME_ORIGINAL = 0x9011;

  private static final DateTimeFormatter EXIF_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu:MM:dd HH:mm:ss");

  private CaptureTime() {}

  /** The capture time of {@code file}: EXIF DateTimeOriginal, else the modification time. */
  static Instant of(Path file, ZoneId zone) throws IOException {
    Optional<Instant> exif = exif(file, zone);
    return exif.isPresent() ? exif.get() : Files.getLastModifiedTime(file).toInstant();
  }

  /**
   * EXIF DateTimeOriginal of a JPEG or TIFF file; empty for other formats and when missing or
   * unreadable.
   */
  static Optional<Instant> exif(Path file, ZoneId zone) {
    String ext = IngestCommand.extension(file);
    try {
      Directory ifd0 =
          switch (ext) {
            case "jpg", "jpeg" -> jpegExif(file);
            case "tif", "tiff" -> tiffIfd0(file);
            default -> null;
          };
      return ifd0 == null ? Optional.empty() : fromIfd0(ifd0, zone);
    } catch (IOException | RuntimeException damaged) {
      return Optional.empty();
    }
  }

  private static Directory jpegExif(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return null;
      }
      List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
      if (segments.isEmpty()) {
        return null;
      }
      byte[] data;
      try (InputStream s = segments.get(0).data()) {
        data = s.readAllBytes();
      }
      int start = 0; // data() starts after "Exif\0"; the TIFF header follows a pad byte
      while (start < data.length && start < 2 && data[start] != 'I' && data[start] != 'M') {
        start++;
      }
      try (ImageInputStream tiff =
          ImageIO.createImageInputStream(
              new ByteArrayInputStream(data, start, data.length - start))) {
        return new TIFFReader().read(tiff);
      }
    }
  }

  private static Directory tiffIfd0(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      return in == null ? null : new TIFFReader().read(in);
    }
  }

  /**
   * DateTimeOriginal from the EXIF sub-directory of a TIFF/EXIF IFD0 (as TwelveMonkeys' TIFFReader
   * returns it).
   */
  static Optional<Instant> fromIfd0(Directory ifd0, ZoneId zone) {
    Entry pointer = ifd0.getEntryById(TIFF.TAG_EXIF_IFD);
    if (pointer == null || !(pointer.getValue() instanceof Directory exif)) {
      return Optional.empty();
    }
    Entry dateTime = exif.getEntryById(TAG_DATE_TIME_ORIGINAL);
    if (dateTime == null) {
      return Optional.empty();
    }
    Entry offset = exif.getEntryById(TAG_OFFSET_TIME_ORIGINAL);
    return parse(
        dateTime.getValueAsString(), offset == null ? null : offset.getValueAsString(), zone);
  }

  /**
   * An EXIF date-time ("2024:05:01 12:34:56") as an instant: at {@code offset} ("+02:00") when that
   * is valid, else in {@code zone}. Empty for blank, zeroed or malformed values. Pure.
   */
  static Optional<Instant> parse(String dateTime, String offset, ZoneId zone) {
    if (dateTime == null) {
      return Optional.empty();
    }
    String text = strip(dateTime);
    if (text.length() < 19) {
      return Optional.empty();
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.parse(text.substring(0, 19), EXIF_DATE_TIME);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    ZoneId at = zone;
    if (offset != null && !strip(offset).isEmpty()) {
      try {
        at = ZoneOffset.of(strip(offset));
      } catch (DateTimeException unknownOffset) {
        at = zone;
      }
    }
    return Optional.of(local.atZone(at).toInstant());
  }

  /** Trims spaces and the NULs EXIF ASCII values end with. */
  private static String strip(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\0' || Character.isWhitespace(s.charAt(end - 1)))) {
      end--;
    }
    return s.substring(0, end).strip();
  }
}
