package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.RecordRejectedException;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.DeadLetters;
import dev.imgsearch.schemas.FieldLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaSinkDeadLettersTest {
  @Test
  void aRefusedChangeBecomesADeadLetterKeyedByItsIdWithTheReason() {
    IndexAction action =
        IndexAction.upsert(new VectorRecord("img-1", new float[] {1f}, "b", "k", "s", 1, List.of("x"), "m"));
    DeadLetter letter =
        KafkaSinkDeadLetters.letter(action, FieldLimits.REASON,
            new RecordRejectedException("img-1", FieldLimits.REASON, "40 tags, at most 32"));
    ProducerRecord<byte[], byte[]> record = letter.toProducerRecord("imgsearch.dead-letters");
    assertThat(record.topic()).isEqualTo("imgsearch.dead-letters");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("img-1");
    assertThat(record.value()).isNull();
    assertThat(header(record, DeadLetters.REASON)).isEqualTo(FieldLimits.REASON);
    assertThat(header(record, DeadLetters.STAGE)).isEqualTo(KafkaSinkDeadLetters.STAGE);
    assertThat(header(record, DeadLetters.IMAGE_ID)).isEqualTo("img-1");
    assertThat(header(record, DeadLetters.DETAIL)).contains("40 tags");
    assertThat(record.headers().lastHeader(DeadLetters.ORIGINAL_TOPIC)).isNull();
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
