package dev.imgsearch.query;

import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.ImageIds;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;

/**
 * A fixed catalogue of solid-colour images. With {@link TestImageEmbedder}, a red query ranks them
 * red, orange, purple, blue, green.
 */
final class TestImages {

  static final String BUCKET = AllowedBuckets.DEFAULT_BUCKET;

  /** One catalogue entry. */
  record Entry(
      String name,
      int red,
      int green,
      int blue,
      String source,
      Instant capturedAt,
      List<String> tags) {

    String key() {
      return name + ".png";
    }

    String id() {
      return ImageIds.of(BUCKET, key());
    }

    byte[] png() {
      return TestImages.png(new Color(red, green, blue));
    }

    VectorRecord record() {
      return new VectorRecord(
          id(),
          TestImageEmbedder.vectorOf(red, green, blue),
          BUCKET,
          key(),
          source,
          capturedAt.toEpochMilli(),
          tags,
          TestImageEmbedder.MODEL_ID);
    }
  }

  static final Entry RED =
      new Entry(
          "red", 255, 0, 0, "cam-1", Instant.parse("2024-01-01T00:00:00Z"), List.of("street"));
  static final Entry ORANGE =
      new Entry(
          "orange",
          255,
          128,
          0,
          "cam-1",
          Instant.parse("2024-02-01T00:00:00Z"),
          List.of("street", "night"));
  static final Entry PURPLE =
      new Entry("purple", 128, 0, 128, "cam-3", Instant.parse("2024-02-15T00:00:00Z"), List.of());
  static final Entry BLUE =
      new Entry(
          "blue", 0, 0, 200, "cam-2", Instant.parse("2024-04-01T00:00:00Z"), List.of("night"));
  static final Entry GREEN =
      new Entry(
          "green", 0, 255, 0, "cam-2", Instant.parse("2024-03-01T00:00:00Z"), List.of("park"));

  static final List<Entry> ALL = List.of(RED, ORANGE, PURPLE, BLUE, GREEN);

  private TestImages() {}

  static List<VectorRecord> records() {
    return ALL.stream().map(Entry::record).toList();
  }

  /** A 16x16 PNG of one colour. */
  static byte[] png(Color colour) {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, 16, 16);
    g.dispose();
    return ProbeImage.png(image);
  }
}
