package dev.imgsearch.schemas;

import dev.imgsearch.schemas.testing.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/**
 * The wire formats every stage shares carry no stream-processing framework: no Flink, no Kafka
 * Streams.
 */
class ModuleBoundariesTest extends ModuleBoundaries {
  ModuleBoundariesTest() {
    super(Topics.class);
  }

  @Test
  void noFlink() {
    noDependencyOn("org.apache.flink..")
        .because("schemas is on every stage's class path, the query API's included")
        .check(classes);
  }

  @Test
  void noKafkaStreams() {
    noDependencyOn("org.apache.kafka.streams..")
        .because("Kafka Streams is ingest-stream's runtime, not a wire format")
        .check(classes);
  }
}
