package dev.imgsearch.ingest;

import dev.imgsearch.schemas.FieldLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Notification documents in MinIO's format under {@code src/test/resources/notifications}. */
final class Fixtures {
  private Fixtures() {}

  static String notification(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/notifications/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A comma-separated tag list one longer than the store holds ({@code t0,t1,…}). */
  static String tooManyTags() {
    return String.join(
        ",",
        java.util.stream.IntStream.range(0, FieldLimits.MAX_TAGS + 1)
            .mapToObj(i -> "t" + i)
            .toList());
  }
}
