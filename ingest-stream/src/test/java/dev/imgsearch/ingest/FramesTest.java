package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.RawFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FramesTest {
  private static final long T = Instant.parse("2026-11-20T23:59:59Z").toEpochMilli();
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};

  static RecordHeaders headers(String... kv) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  @Test
  void validFrameGetsADeterministicKeyUnderSourceAndUtcHour() {
    var p = Frames.parse(JPEG, headers("source", "cam-1", "content-type", "image/jpeg", "id", "f-001",
        "captured-at", "2026-11-21T01:30:00+02:00".replace("+02:00", "Z"), "tags", "door,night"), T, 100);
    assertThat(p.rejection()).isNull();
    assertThat(p.frame().objectKey()).isEqualTo("cam-1/2026/11/21/01/f-001.jpg");
    assertThat(p.frame().tags()).containsExactly("door", "night");
    assertThat(p.frame().capturedAtMillis()).isEqualTo(Instant.parse("2026-11-21T01:30:00Z").toEpochMilli());
  }

  @Test
  void withoutIdAndCaptureTimeTheContentHashAndRecordTimestampAreUsed() {
    var p = Frames.parse(JPEG, headers("source", "cam-1", "content-type", "image/png"), T, 100);
    assertThat(p.frame().id()).isEqualTo(Frames.contentId(JPEG)).hasSize(32);
    assertThat(p.frame().objectKey()).isEqualTo("cam-1/2026/11/20/23/" + Frames.contentId(JPEG) + ".png");
    assertThat(Frames.parse(JPEG, headers("source", "cam-1", "content-type", "image/png"), T, 100).frame().objectKey())
        .isEqualTo(p.frame().objectKey());
  }

  @Test
  void whatTheProducerBuilderWritesIsWhatTheStreamReads() {
    var record =
        RawFrame.of(JPEG, "image/jpeg", "cam-9")
            .id("f-7")
            .capturedAt(Instant.parse("2026-11-21T01:30:00Z"))
            .tags("door", "night")
            .toRecord("frames");
    var frame = Frames.parse(record.value(), record.headers(), T, 100).frame();
    assertThat(frame).isNotNull();
    assertThat(frame.source()).isEqualTo("cam-9");
    assertThat(frame.id()).isEqualTo("f-7");
    assertThat(frame.tags()).containsExactly("door", "night");
    assertThat(frame.objectKey()).isEqualTo("cam-9/2026/11/21/01/f-7.jpg");

    var minimal = RawFrame.of(JPEG, "image/png", "cam-9").toRecord("frames");
    var defaulted = Frames.parse(minimal.value(), minimal.headers(), T, 100).frame();
    assertThat(defaulted.id()).isEqualTo(Frames.contentId(JPEG));
    assertThat(defaulted.capturedAtMillis()).isEqualTo(T);
  }

  @Test
  void rejections() {
    assertThat(Frames.parse(new byte[0], headers("source", "c", "content-type", "image/jpeg"), T, 100).rejection().reason())
        .isEqualTo(Frames.REJECT_EMPTY);
    var big = Frames.parse(new byte[101], headers("source", "c", "content-type", "image/jpeg"), T, 100).rejection();
    assertThat(big.reason()).isEqualTo(Frames.REJECT_TOO_LARGE);
    assertThat(big.detail()).contains("101 bytes").contains("frames.max-bytes=100");
    assertThat(Frames.parse(JPEG, headers("content-type", "image/jpeg"), T, 100).rejection().reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(Frames.parse(JPEG, headers("source", "../etc", "content-type", "image/jpeg"), T, 100).rejection().reason())
        .isEqualTo(Frames.REJECT_HEADER);
    assertThat(Frames.parse(JPEG, headers("source", "a/b", "content-type", "image/jpeg"), T, 100).rejection().reason())
        .isEqualTo(Frames.REJECT_HEADER);
    assertThat(Frames.parse(JPEG, headers("source", "c", "content-type", "text/plain"), T, 100).rejection().reason())
        .isEqualTo(Frames.REJECT_CONTENT_TYPE);
    assertThat(Frames.parse(JPEG, headers("source", "c"), T, 100).rejection().reason()).isEqualTo(Frames.REJECT_CONTENT_TYPE);
    assertThat(Frames.parse(JPEG, headers("source", "c", "content-type", "image/jpeg", "captured-at", "noon"), T, 100)
        .rejection().reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(Frames.parse(JPEG, headers("source", "c", "content-type", "image/jpeg", "id", "a/../b"), T, 100)
        .rejection().reason()).isEqualTo(Frames.REJECT_HEADER);
  }
}
