package dev.imgsearch.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro specific records in Avro's single-object encoding (2-byte marker + schema
 * fingerprint + binary body). The fingerprint lets a reader resolve older writer schemas without a
 * schema registry.
 */
public final class AvroSerde {
  private AvroSerde() {}

  public static <T> Serde<T> of(BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
    Serializer<T> ser =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          try {
            ByteBuffer buf = encoder.encode(value);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    Deserializer<T> de =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try {
            return decoder.decode(data);
          } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                "not a valid Avro record for topic " + topic + ": " + e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(ser, de);
  }
}
