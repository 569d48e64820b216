package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  private static DeadLetter letter(String detail, String imageId, byte[] key, byte[] value) {
    return new DeadLetter(
        "ingest-stream", "invalid-frame-header", detail, "x.Y", imageId, "raw", 3, 42L, key, value);
  }

  @Test
  void smallRecordsKeepKeyValueAndEveryHeader() {
    byte[] key = "cam-1".getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[1000];
    ProducerRecord<byte[], byte[]> r = letter("bad", "abc", key, value).toProducerRecord("dlq");
    assertThat(r.key()).isEqualTo(key);
    assertThat(r.value()).isEqualTo(value);
    assertThat(DeadLetter.header(r.headers(), DeadLetters.DETAIL)).isEqualTo("bad");
    assertThat(DeadLetter.header(r.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("42");
    assertThat(r.headers().lastHeader(DeadLetters.VALUE_DROPPED)).isNull();
    assertThat(r.headers().lastHeader(DeadLetters.KEY_DROPPED)).isNull();
  }

  @Test
  void oversizedPartsAreDroppedOrCutAndTheOriginStaysFindable() {
    byte[] key = new byte[100_000];
    byte[] value = new byte[1_000_000];
    String detail = "é".repeat(100_000);
    ProducerRecord<byte[], byte[]> r =
        letter(detail, "x".repeat(10_000), key, value).toProducerRecord("dlq");
    assertThat(r.key()).isNull();
    assertThat(r.value()).isNull();
    assertThat(DeadLetter.header(r.headers(), DeadLetters.KEY_DROPPED)).isEqualTo("100000");
    assertThat(DeadLetter.header(r.headers(), DeadLetters.VALUE_DROPPED)).isEqualTo("1000000");
    assertThat(r.headers().lastHeader(DeadLetters.DETAIL).value().length)
        .isLessThanOrEqualTo(DeadLetter.MAX_DETAIL_BYTES);
    assertThat(DeadLetter.header(r.headers(), DeadLetters.DETAIL)).startsWith("éé").endsWith("…");
    assertThat(r.headers().lastHeader(DeadLetters.IMAGE_ID).value().length)
        .isLessThanOrEqualTo(DeadLetter.MAX_HEADER_BYTES);
    assertThat(DeadLetter.header(r.headers(), DeadLetters.ORIGINAL_TOPIC)).isEqualTo("raw");
    assertThat(DeadLetter.header(r.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("3");
    int total =
        Arrays.stream(r.headers().toArray())
            .mapToInt(h -> h.key().length() + h.value().length)
            .sum();
    assertThat(total).isLessThan(8 * 1024);
  }

  @Test
  void valueAtTheLimitIsKept() {
    byte[] value = new byte[DeadLetter.MAX_VALUE_BYTES];
    assertThat(letter("", null, null, value).toProducerRecord("dlq").value()).isSameAs(value);
    byte[] over = new byte[DeadLetter.MAX_VALUE_BYTES + 1];
    assertThat(letter("", null, null, over).toProducerRecord("dlq").value()).isNull();
  }
}
