package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.ImageIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class IngestProductionExceptionHandlerTest {
  private static final byte[] FRAME = new byte[1_000_000];
  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());

  /** The source record: a 1 MB frame on the raw-frames topic, with a 100 kB key. */
  private static ErrorHandlerContext context() {
    return HandlerContexts.context(
        "imgsearch.raw-frames",
        2,
        7,
        "dead-letters",
        1,
        "k".repeat(100_000).getBytes(StandardCharsets.UTF_8),
        FRAME);
  }

  private IngestProductionExceptionHandler handler() {
    var h = new IngestProductionExceptionHandler();
    h.configure(HandlerContexts.config(metrics));
    return h;
  }

  private static final String IMAGE_ID = ImageIds.of("images", "cam/a.jpg");

  private static ProducerRecord<byte[], byte[]> output(String topic, int valueBytes) {
    RecordHeaders h = new RecordHeaders();
    h.add("source", "s".repeat(100_000).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        topic, null, null, IMAGE_ID.getBytes(StandardCharsets.UTF_8), new byte[valueBytes], h);
  }

  @Test
  void anOutputTooLargeForTheTopicBecomesABoundedDeadLetterAndProcessingResumes() {
    var r =
        handler()
            .handleError(
                context(),
                output("imgsearch.image-events", 1_000_000),
                new RecordTooLargeException(
                    "The message is 1100100 bytes when serialized which is larger than 1048576"));
    assertThat(r.result()).isEqualTo(Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).hasSize(1);
    var d = r.deadLetterQueueRecords().get(0);
    assertThat(d.topic()).isEqualTo("dlq");
    assertThat(d.value()).isNull();
    // the output's own key (an event's image id), not the context's: the broker answers when the
    // context has moved on
    assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo(IMAGE_ID);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.IMAGE_ID)).isEqualTo(IMAGE_ID);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.REASON))
        .isEqualTo(IngestProductionExceptionHandler.REASON_TOO_LARGE);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("imgsearch.image-events")
        .contains("1000000")
        .contains("larger than 1048576");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_TOPIC)).isNull();
    assertThat(DeadLetter.header(d.headers(), DeadLetters.EXCEPTION_CLASS))
        .isEqualTo(RecordTooLargeException.class.getName());
    int headerBytes =
        Arrays.stream(d.headers().toArray())
            .mapToInt(x -> x.key().length() + x.value().length)
            .sum();
    assertThat(headerBytes).isLessThan(8_192);
    assertThat(metrics.deadLetters(IngestProductionExceptionHandler.REASON_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aDeadLetterThatIsItselfTooLargeIsReplacedByOneWithoutKeyAndValueSoNothingLoops() {
    var h = handler();
    var refused =
        new DeadLetter(
                "ingest-stream",
                "unparseable-notification",
                "x",
                null,
                null,
                "imgsearch.minio-events",
                4,
                99,
                "k".getBytes(StandardCharsets.UTF_8),
                new byte[400_000])
            .toProducerRecord("dlq");
    var r = h.handleError(context(), refused, new RecordTooLargeException("too large"));
    assertThat(r.result()).isEqualTo(Result.RESUME);
    var d = r.deadLetterQueueRecords().get(0);
    assertThat(d.key()).isNull();
    assertThat(d.value()).isNull();
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("the dead letter (unparseable-notification) itself was refused")
        .contains("400000 value bytes");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_TOPIC))
        .isEqualTo("imgsearch.minio-events");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_PARTITION)).isEqualTo("4");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("99");
    // and a failure of that one too resumes without another record
    var again = h.handleError(context(), d, new RecordTooLargeException("still too large"));
    assertThat(again.result()).isEqualTo(Result.RESUME);
    assertThat(again.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void aSerializationErrorOnOutputBecomesADeadLetter() {
    var r =
        handler()
            .handleSerializationError(
                context(),
                new ProducerRecord<>("imgsearch.image-events", Bytes.wrap(new byte[1]), "v"),
                new SerializationException("cannot write"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
    assertThat(r.result()).isEqualTo(Result.RESUME);
    var d = r.deadLetterQueueRecords().get(0);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.REASON))
        .isEqualTo(IngestProductionExceptionHandler.REASON_SERIALIZATION);
    assertThat(DeadLetter.header(d.headers(), DeadLetters.DETAIL))
        .contains("VALUE")
        .contains("cannot write");
    assertThat(d.value()).isNull(); // the 1 MB source value is not copied
    // serialization runs in the processing call: the context is the source record's
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_TOPIC))
        .isEqualTo("imgsearch.raw-frames");
    assertThat(DeadLetter.header(d.headers(), DeadLetters.ORIGINAL_OFFSET)).isEqualTo("7");
    assertThat(d.key()).isNull(); // the 100 kB source key: dropped, its size recorded
    assertThat(DeadLetter.header(d.headers(), DeadLetters.KEY_DROPPED)).isEqualTo("100000");
  }

  @Test
  void brokerTroubleIsRetriedOrFailsAsBefore() {
    assertThat(handler().handleError(context(), output("t", 1), new TimeoutException("t")).result())
        .isEqualTo(Result.RETRY);
    var fail = handler().handleError(context(), output("t", 1), new IllegalStateException("x"));
    assertThat(fail.result()).isEqualTo(Result.FAIL);
  }
}
