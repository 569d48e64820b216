package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OutputLimitsTest {
  @Test
  void aRecordsSizeCountsKeyValueHeadersAndTheBatchOverhead() {
    RecordHeaders h = new RecordHeaders();
    h.add("name", "value".getBytes(StandardCharsets.UTF_8));
    int n = OutputLimits.recordBytes(new byte[10], new byte[100], h);
    assertThat(n).isEqualTo(10 + 100 + 4 + 5 + OutputLimits.OVERHEAD_BYTES);
    assertThat(OutputLimits.recordBytes(null, null, new RecordHeaders()))
        .isEqualTo(OutputLimits.OVERHEAD_BYTES);
  }

  @Test
  void theTopicConfigIsReadAndAnythingElseFallsBackToTheBrokerDefault() {
    assertThat(OutputLimits.parseMaxMessageBytes("2000")).isEqualTo(2000);
    assertThat(OutputLimits.parseMaxMessageBytes(null)).isEqualTo(OutputLimits.BROKER_DEFAULT);
    assertThat(OutputLimits.parseMaxMessageBytes("x")).isEqualTo(OutputLimits.BROKER_DEFAULT);
    assertThat(OutputLimits.parseMaxMessageBytes("0")).isEqualTo(OutputLimits.BROKER_DEFAULT);
  }

  @Test
  void aDeadLetterLosesItsValueFirstThenItsKey() {
    var p = new BoundOutputs.DeadLetterRecords(1_000);
    var out =
        new java.util.ArrayList<org.apache.kafka.streams.processor.api.Record<byte[], byte[]>>();
    var ctx = new org.apache.kafka.streams.processor.api.MockProcessorContext<byte[], byte[]>();
    p.init(ctx);
    RecordHeaders h = new RecordHeaders();
    h.add("imgsearch.dlq.reason", "x".getBytes(StandardCharsets.UTF_8));
    p.process(
        new org.apache.kafka.streams.processor.api.Record<>(
            "k", Routed.dead(new byte[500], new byte[500]), 0, h));
    p.process(
        new org.apache.kafka.streams.processor.api.Record<>(
            "k", Routed.dead(new byte[900], new byte[10]), 0, h));
    p.process(
        new org.apache.kafka.streams.processor.api.Record<>(
            "k", Routed.dead(new byte[10], new byte[10]), 0, h));
    var fwd = ctx.forwarded().stream().map(f -> f.record()).toList();
    assertThat(fwd.get(0).value()).isNull();
    assertThat(fwd.get(0).key()).hasSize(500);
    assertThat(
            new String(
                fwd.get(0).headers().lastHeader("imgsearch.dlq.value-dropped-bytes").value(),
                StandardCharsets.UTF_8))
        .isEqualTo("500");
    // the value goes first even when it is the smaller part, then the key
    assertThat(fwd.get(1).key()).isNull();
    assertThat(fwd.get(1).value()).isNull();
    assertThat(fwd.get(1).headers().lastHeader("imgsearch.dlq.key-dropped-bytes")).isNotNull();
    for (var r : fwd) {
      assertThat(OutputLimits.recordBytes(r.key(), r.value(), r.headers()))
          .isLessThanOrEqualTo(1_000);
    }
    assertThat(fwd.get(2).key()).hasSize(10);
    assertThat(fwd.get(2).value()).hasSize(10);
  }
}
