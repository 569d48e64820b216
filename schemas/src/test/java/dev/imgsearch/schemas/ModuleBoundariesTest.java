package dev.imgsearch.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The wire formats every stage shares carry no stream-processing framework: no Flink, no Kafka
 * Streams.
 */
class ModuleBoundariesTest {
  /**
   * This module's production classes only (its target/classes or jar), not what is on the test
   * class path.
   */
  private static final JavaClasses SCHEMAS =
      new ClassFileImporter()
          .importUrl(Topics.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void noFlink() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because("schemas is on every stage's class path, the query API's included")
        .check(SCHEMAS);
  }

  @Test
  void noKafkaStreams() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.streams..")
        .because("Kafka Streams is ingest-stream's runtime, not a wire format")
        .check(SCHEMAS);
  }

  @Test
  void theRulesSeeTheModulesClasses() {
    // a rule over an empty import would hold for nothing
    assertThat(SCHEMAS).as("classes imported from this module").isNotEmpty();
  }
}
