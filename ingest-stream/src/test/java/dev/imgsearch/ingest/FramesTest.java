package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.FieldLimits;
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
    var p =
        Frames.parse(
            JPEG,
            headers(
                "source",
                "cam-1",
                "content-type",
                "image/jpeg",
                "id",
                "f-001",
                "captured-at",
                "2026-11-21T01:30:00+02:00".replace("+02:00", "Z"),
                "tags",
                "door,night"),
            T,
            100);
    assertThat(p.rejection()).isNull();
    assertThat(p.frame().objectKey()).isEqualTo("cam-1/2026/11/21/01/f-001.jpg");
    assertThat(p.frame().tags()).containsExactly("door", "night");
    assertThat(p.frame().capturedAtMillis())
        .isEqualTo(Instant.parse("2026-11-21T01:30:00Z").toEpochMilli());
  }

  @Test
  void withoutIdAndCaptureTimeTheContentHashAndRecordTimestampAreUsed() {
    var p = Frames.parse(JPEG, headers("source", "cam-1", "content-type", "image/png"), T, 100);
    assertThat(p.frame().id()).isEqualTo(Frames.contentId(JPEG)).hasSize(32);
    assertThat(p.frame().objectKey())
        .isEqualTo("cam-1/2026/11/20/23/" + Frames.contentId(JPEG) + ".png");
    assertThat(
            Frames.parse(JPEG, headers("source", "cam-1", "content-type", "image/png"), T, 100)
                .frame()
                .objectKey())
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
    assertThat(
            Frames.parse(new byte[0], headers("source", "c", "content-type", "image/jpeg"), T, 100)
                .rejection()
                .reason())
        .isEqualTo(Frames.REJECT_EMPTY);
    var big =
        Frames.parse(new byte[101], headers("source", "c", "content-type", "image/jpeg"), T, 100)
            .rejection();
    assertThat(big.reason()).isEqualTo(Frames.REJECT_TOO_LARGE);
    assertThat(big.detail()).contains("101 bytes").contains("frames.max-bytes=100");
    assertThat(reject("content-type", "image/jpeg").reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(reject("source", "../etc", "content-type", "image/jpeg").reason())
        .isEqualTo(Frames.REJECT_HEADER);
    assertThat(reject("source", "a/b", "content-type", "image/jpeg").reason())
        .isEqualTo(Frames.REJECT_HEADER);
    assertThat(reject("source", "c", "content-type", "text/plain").reason())
        .isEqualTo(Frames.REJECT_CONTENT_TYPE);
    assertThat(reject("source", "c").reason()).isEqualTo(Frames.REJECT_CONTENT_TYPE);
    assertThat(reject("source", "c", "content-type", "image/jpeg", "captured-at", "noon").reason())
        .isEqualTo(Frames.REJECT_HEADER);
    assertThat(reject("source", "c", "content-type", "image/jpeg", "id", "a/../b").reason())
        .isEqualTo(Frames.REJECT_HEADER);
  }

  // --- headers that become S3 user metadata, and the store's field limits ---

  private static Frames.Rejection reject(String... headers) {
    var p = Frames.parse(JPEG, headers(headers), T, 100);
    assertThat(p.frame()).as("frame accepted").isNull();
    return p.rejection();
  }

  @Test
  void controlCharactersInAnyMetadataHeaderAreRejectedBeforeTheWrite() {
    for (String bad :
        new String[] {"door\rnight", "door\nnight", "a\u0000b", "a\u007fb", "a\u0085b", "a\tb"}) {
      var r = reject("source", "cam-1", "content-type", "image/jpeg", "tags", bad);
      assertThat(r.reason()).isEqualTo(Frames.REJECT_HEADER);
      assertThat(r.detail()).contains("'tags'").contains("control character");
    }
    var ct = reject("source", "cam-1", "content-type", "image/jpeg\r\nx-amz-acl: public-read");
    assertThat(ct.reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(ct.detail()).contains("'content-type'");
    assertThat(
            reject(
                    "source",
                    "cam-1",
                    "content-type",
                    "image/jpeg",
                    "captured-at",
                    "2026-11-20T00:00:00Z\r")
                .reason())
        .isEqualTo(Frames.REJECT_HEADER);
    // anything non-ASCII too: the server would answer SignatureDoesNotMatch, like for a wrong
    // secret
    var accent = reject("source", "cam-1", "content-type", "image/jpeg", "tags", "caméra");
    assertThat(accent.reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(accent.detail()).contains("'tags'").contains("non-ASCII").contains("U+00E9");
    // the detail shows the bad character escaped, never raw
    assertThat(reject("source", "cam-1", "content-type", "image/jpeg", "tags", "a\rb").detail())
        .doesNotContain("\r");
  }

  @Test
  void headersOverTheirLimitAreRejected() {
    var tags =
        reject(
            "source",
            "cam-1",
            "content-type",
            "image/jpeg",
            "tags",
            "t".repeat(Frames.MAX_TAGS_HEADER_BYTES + 1));
    assertThat(tags.reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(tags.detail())
        .contains("'tags'")
        .contains(String.valueOf(Frames.MAX_TAGS_HEADER_BYTES));
    var source = reject("source", "c".repeat(100_000), "content-type", "image/jpeg");
    assertThat(source.reason()).isEqualTo(Frames.REJECT_HEADER);
    assertThat(source.detail()).contains("'source'").hasSizeLessThan(1_000);
    assertThat(
            reject("source", "cam-1", "content-type", "image/jpeg", "captured-at", "1".repeat(5000))
                .detail())
        .contains("'captured-at'")
        .hasSizeLessThan(1_000);
    // just under the tags limit passes
    String tenTags = String.join(",", java.util.Collections.nCopies(20, "t".repeat(100)));
    assertThat(tenTags.length())
        .isBetween(Frames.MAX_TAGS_HEADER_BYTES - 100, Frames.MAX_TAGS_HEADER_BYTES);
    assertThat(
            Frames.parse(
                    JPEG,
                    headers("source", "cam-1", "content-type", "image/jpeg", "tags", tenTags),
                    T,
                    100)
                .frame())
        .isNotNull();
  }

  @Test
  void moreTagsThanTheStoreHoldsIsAFieldLimitRejection() {
    String tags = Fixtures.tooManyTags();
    var r = reject("source", "cam-1", "content-type", "image/jpeg", "tags", tags);
    assertThat(r.reason()).isEqualTo(FieldLimits.REASON);
    assertThat(r.detail()).contains("tags");
    String tags32 =
        String.join(
            ",",
            java.util.stream.IntStream.range(0, FieldLimits.MAX_TAGS)
                .mapToObj(i -> "t" + i)
                .toList());
    assertThat(
            Frames.parse(
                    JPEG,
                    headers("source", "cam-1", "content-type", "image/jpeg", "tags", tags32),
                    T,
                    100)
                .frame()
                .tags())
        .hasSize(FieldLimits.MAX_TAGS);
  }
}
