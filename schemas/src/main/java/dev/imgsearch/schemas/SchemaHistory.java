package dev.imgsearch.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;

/**
 * Earlier versions of the event schemas (resources under {@code avro-history/}), for decoding old
 * records.
 */
public final class SchemaHistory {
  private static final String ROOT = "/avro-history/";

  private SchemaHistory() {}

  /**
   * Released versions of {@code record} (simple name), oldest first; stops at the first missing
   * version.
   */
  public static List<Schema> versions(String record, Schema... named) {
    List<Schema> out = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in =
          SchemaHistory.class.getResourceAsStream(ROOT + record + "-v" + v + ".avsc")) {
        if (in == null) {
          return out;
        }
        Schema.Parser parser = new Schema.Parser();
        for (Schema s : named) {
          parser.addTypes(java.util.Map.of(s.getFullName(), s));
        }
        out.add(parser.parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A single-object decoder for {@code current} that also resolves every historical version. */
  public static <T> BinaryMessageDecoder<T> decoder(
      Schema current, String record, Schema... named) {
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), current);
    for (Schema old : versions(record, named)) {
      decoder.addSchema(old);
    }
    return decoder;
  }
}
