package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class IdleFetchTest {

  @Test
  void setsTheKafkaConsumersFetchWaitUnlessGiven() {
    assertThat(IdleFetch.CONFIG).isEqualTo(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);

    Map<String, Object> unset = new HashMap<>(Map.of("bootstrap.servers", "kafka:9092"));
    IdleFetch.setDefault(unset);
    assertThat(unset)
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IdleFetch.MAX_WAIT_MS)
        .containsEntry("bootstrap.servers", "kafka:9092");

    Map<String, Object> given = new HashMap<>(Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
    IdleFetch.setDefault(given);
    assertThat(given).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
  }
}
