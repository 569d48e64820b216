package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class IngestExceptionHandlerTest {
  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

  private static ErrorHandlerContext context() {
    return HandlerContexts.context(
        "imgsearch.minio-events",
        3,
        42,
        "map-notifications",
        0,
        "k".getBytes(StandardCharsets.UTF_8),
        "v".getBytes(StandardCharsets.UTF_8));
  }

  private IngestExceptionHandler handler() {
    var h = new IngestExceptionHandler();
    h.configure(HandlerContexts.config(metrics));
    return h;
  }

  @Test
  void unexpectedExceptionsResumeWithADeadLetterOfTheSourceRecord() {
    var r =
        handler()
            .handleError(context(), new Record<>("k", "v", 0), new IllegalStateException("boom"));
    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).hasSize(1);
    var d = r.deadLetterQueueRecords().get(0);
    assertThat(d.topic()).isEqualTo("dlq");
    assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("v");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.REASON)).isEqualTo("processing-failed");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.EXCEPTION_CLASS))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("3");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("42");
    assertThat(metrics.deadLetters("processing-failed")).isEqualTo(1);
  }

  @Test
  void anUnavailableObjectStoreFailsTheThreadSoTheFrameIsRetriedNotSkipped() {
    var r =
        handler()
            .handleError(
                context(),
                new Record<>("k", "v", 0),
                new ObjectStoreUnavailableException("down", null));
    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
  }
}
