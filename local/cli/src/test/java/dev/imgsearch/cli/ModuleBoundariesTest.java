package dev.imgsearch.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Boundaries across modules, checked where every stage's production classes are on one class path
 * (the CLI runs them all): each third-party runtime stays in the package that owns it. Per-module
 * rules (no Flink in schemas, embedder-core, indexer-store, query-api) live next to each module's
 * code.
 */
class ModuleBoundariesTest {
  private static final JavaClasses ALL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.imgsearch");

  @Test
  void everyModuleIsImported() {
    assertThat(ALL.stream().map(JavaClass::getName))
        .contains(
            "dev.imgsearch.schemas.Topics",
            "dev.imgsearch.ingest.IngestTopology",
            "dev.imgsearch.embedder.ImageEmbedder",
            "dev.imgsearch.embedder.job.EmbedderJob",
            "dev.imgsearch.indexer.store.milvus.MilvusVectorStore",
            "dev.imgsearch.indexer.store.lucene.LuceneVectorStore",
            "dev.imgsearch.indexer.sink.VectorStoreSink",
            "dev.imgsearch.query.QueryApi",
            "dev.imgsearch.cli.LocalStack");
  }

  @Test
  void milvusSdkOnlyInTheMilvusStore() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.imgsearch.indexer.store.milvus..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.milvus..")
        .check(ALL);
  }

  /**
   * Lucene as an index only in the Lucene store; the job's watch matching uses just its HNSW graph
   * (an in-memory ANN over watch vectors, no index files).
   */
  @Test
  void luceneOnlyInTheLuceneStore() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.imgsearch.indexer.store.lucene..", "dev.imgsearch.embedder.watch..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.lucene..")
        .check(ALL);
    noClasses()
        .that()
        .resideInAPackage("dev.imgsearch.embedder.watch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.lucene.store..",
            "org.apache.lucene.document..",
            "org.apache.lucene.codecs..")
        .check(ALL);
  }

  @Test
  void kafkaStreamsOnlyInIngestStream() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.imgsearch.ingest..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.streams..")
        .check(ALL);
  }

  @Test
  void flinkOnlyInTheJobTheSinkAndTheLocalStack() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.imgsearch.embedder.job..", "dev.imgsearch.indexer.sink..", "dev.imgsearch.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .check(ALL);
  }
}
