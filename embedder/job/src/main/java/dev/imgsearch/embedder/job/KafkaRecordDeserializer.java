package dev.imgsearch.embedder.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes records through undecoded (decoding happens in {@link EmbedFunction}, where failures are
 * routed).
 */
public final class KafkaRecordDeserializer
    implements KafkaRecordDeserializationSchema<KafkaRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<KafkaRecord> out) {
    out.collect(new KafkaRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
  }

  @Override
  public TypeInformation<KafkaRecord> getProducedType() {
    return TypeInformation.of(KafkaRecord.class);
  }
}
