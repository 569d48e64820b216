package dev.imgsearch.local.servers.testing;

import dev.imgsearch.local.servers.KafkaBroker;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;

/** Producers the ITs write their input with (from this module's test-jar). */
public final class TestProducers {
  private TestProducers() {}

  /**
   * A producer to {@code broker} whose sends complete once every in-sync replica has the record
   * ({@code acks=all}), so that what a test wrote is there for the consumer it starts next.
   */
  public static <K, V> KafkaProducer<K, V> acked(
      KafkaBroker broker, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        keys,
        values);
  }
}
