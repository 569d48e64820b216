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
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaSinkDeadLettersTest {
  @Test
  void theProducerGetsTheStagesSecuritySettingsButKeepsItsOwnGuarantees() throws Exception {
    var sasl =
        Map.of(
            "security.protocol",
            "SASL_PLAINTEXT",
            "sasl.mechanism",
            "SCRAM-SHA-512",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
            "acks",
            "0");
    KafkaSinkDeadLetters d = new KafkaSinkDeadLetters("k:9093", "dl", sasl);
    assertThat(d.producerConfig())
        .containsEntry("bootstrap.servers", "k:9093")
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", sasl.get("sasl.jaas.config"))
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
    assertThat(new KafkaSinkDeadLetters("k:9092", "dl").producerConfig())
        .doesNotContainKey("sasl.jaas.config");
    // the sink is shipped to the task managers: the settings survive serialization
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(d);
    }
    try (var in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(d);
    }
  }

  @Test
  void aRefusedChangeBecomesADeadLetterKeyedByItsIdWithTheReason() {
    IndexAction action =
        IndexAction.upsert(
            new VectorRecord("img-1", new float[] {1f}, "b", "k", "s", 1, List.of("x"), "m"));
    DeadLetter letter =
        KafkaSinkDeadLetters.letter(
            action,
            FieldLimits.REASON,
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
