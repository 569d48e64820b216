package dev.imgsearch.embedder;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * embedder-core is the image → vector library the Flink job and the query API share: it knows no
 * stream processor, no message broker, no object store and no vector store.
 */
class ModuleBoundariesTest {
  /**
   * This module's production classes only (its target/classes or jar), not what is on the test
   * class path.
   */
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .importUrl(ImageEmbedder.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void noFlinkNoKafka() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.apache.kafka..")
        .because(
            "the query API embeds probe images with this library and must not carry Flink or Kafka")
        .check(CORE);
  }

  @Test
  void noObjectStoreNoVectorStore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.minio..", "io.milvus..", "org.apache.lucene..", "dev.imgsearch.indexer..")
        .because("fetching images and storing vectors are the job's and the indexer's business")
        .check(CORE);
  }

  @Test
  void doesNotReachIntoTheJob() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.imgsearch.embedder.job..")
        .check(CORE);
  }

  @Test
  void theRulesSeeTheModulesClasses() {
    // a rule over an empty import would hold for nothing
    assertThat(CORE).as("classes imported from this module").isNotEmpty();
  }
}
