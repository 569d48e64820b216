package dev.imgsearch.indexer.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * indexer-store is the vector-store contract and its two implementations, read by the query API and
 * written by the indexer sink: no Flink, no Kafka, and each store's client library stays inside its
 * own package.
 */
class ModuleBoundariesTest {
  /**
   * This module's production classes only (its target/classes or jar), not what is on the test
   * class path.
   */
  private static final JavaClasses STORE =
      new ClassFileImporter()
          .importUrl(VectorStore.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void noFlinkNoKafka() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
        .because("the query API reads through these stores and must not carry Flink or Kafka")
        .check(STORE);
  }

  @Test
  void noWritePathNoEmbedder() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.imgsearch.indexer.sink..",
            "dev.imgsearch.indexer.reindex..",
            "dev.imgsearch.embedder..")
        .because("the sink and the re-index build on the store, not the other way round")
        .check(STORE);
  }

  @Test
  void milvusSdkOnlyInTheMilvusStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.imgsearch.indexer.store.milvus..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.milvus..")
        .check(STORE);
  }

  @Test
  void luceneOnlyInTheLuceneStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.imgsearch.indexer.store.lucene..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.lucene..")
        .check(STORE);
  }

  @Test
  void theRulesSeeTheModulesClasses() {
    // a rule over an empty import would hold for nothing
    assertThat(STORE).as("classes imported from this module").isNotEmpty();
  }
}
