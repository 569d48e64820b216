package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RawFrameTest {
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1};

  @Test
  void aFullFrameCarriesEveryHeaderAndIsKeyedBySource() {
    ProducerRecord<byte[], byte[]> r =
        RawFrame.of(JPEG, "image/jpeg", "cam-7")
            .id("f-42")
            .capturedAt(Instant.parse("2026-11-20T10:00:00Z"))
            .tags("door", "night")
            .toRecord("frames");
    assertThat(r.topic()).isEqualTo("frames");
    assertThat(r.value()).isSameAs(JPEG);
    assertThat(text(r.key())).isEqualTo("cam-7");
    assertThat(header(r, "source")).isEqualTo("cam-7");
    assertThat(header(r, "content-type")).isEqualTo("image/jpeg");
    assertThat(header(r, "id")).isEqualTo("f-42");
    assertThat(header(r, "captured-at"))
        .isEqualTo(Long.toString(Instant.parse("2026-11-20T10:00:00Z").toEpochMilli()));
    assertThat(header(r, "tags")).isEqualTo("door,night");
    assertThat(r.headers().toArray()).hasSize(5);
  }

  @Test
  void optionalHeadersAreLeftOutSoTheIngestStreamAppliesItsDefaults() {
    ProducerRecord<byte[], byte[]> r = RawFrame.of(JPEG, "image/png", "feed.a").toRecord("frames");
    assertThat(r.headers().toArray())
        .extracting(h -> h.key())
        .containsExactly("source", "content-type");
    assertThat(r.timestamp())
        .as("the producer stamps the record, the default capture time")
        .isNull();
  }

  @Test
  void missingRequiredPartsAndCommasInTagsAreRefusedAtTheProducer() {
    assertThatThrownBy(() -> RawFrame.of(JPEG, "image/jpeg", " ")).hasMessageContaining("source");
    assertThatThrownBy(() -> RawFrame.of(JPEG, null, "cam")).hasMessageContaining("contentType");
    assertThatThrownBy(() -> RawFrame.of(null, "image/jpeg", "cam")).hasMessageContaining("bytes");
    assertThatThrownBy(() -> RawFrame.of(JPEG, "image/jpeg", "cam").tags("a,b"))
        .hasMessageContaining("a,b");
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return text(r.headers().lastHeader(name).value());
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
