package dev.imgsearch.query;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The query API reads the index (indexer-store) and embeds probe images (embedder-core); it runs no
 * stream processor and talks to each store only through the store contract. (The build's enforcer
 * rule keeps Flink off its class path.)
 */
class ModuleBoundariesTest {
  /**
   * This module's production classes only (its target/classes or jar), not what is on the test
   * class path.
   */
  private static final JavaClasses QUERY_API =
      new ClassFileImporter()
          .importUrl(QueryApi.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void noFlinkNoKafkaStreams() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.apache.kafka.streams..")
        .check(QUERY_API);
  }

  @Test
  void noStoreClientLibraries() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.milvus..", "org.apache.lucene..")
        .because(
            "the stores' client libraries stay inside indexer-store's milvus and lucene packages")
        .check(QUERY_API);
  }

  @Test
  void noWritePathNoJob() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.imgsearch.indexer.sink..",
            "dev.imgsearch.indexer.reindex..",
            "dev.imgsearch.embedder.job..")
        .check(QUERY_API);
  }

  @Test
  void theRulesSeeTheModulesClasses() {
    // a rule over an empty import would hold for nothing
    assertThat(QUERY_API).as("classes imported from this module").isNotEmpty();
  }
}
