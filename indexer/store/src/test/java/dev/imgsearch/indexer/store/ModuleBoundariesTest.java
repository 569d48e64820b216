package dev.imgsearch.indexer.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import dev.imgsearch.schemas.testing.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/**
 * indexer-store is the vector-store contract and its two implementations, read by the query API and
 * written by the indexer sink: no Flink, no Kafka, and each store's client library stays inside its
 * own package.
 */
class ModuleBoundariesTest extends ModuleBoundaries {
  ModuleBoundariesTest() {
    super(VectorStore.class);
  }

  @Test
  void noFlinkNoKafka() {
    noDependencyOn("org.apache.flink..", "org.apache.kafka..")
        .because("the query API reads through these stores and must not carry Flink or Kafka")
        .check(classes);
  }

  @Test
  void noWritePathNoEmbedder() {
    noDependencyOn(
            "dev.imgsearch.indexer.sink..",
            "dev.imgsearch.indexer.reindex..",
            "dev.imgsearch.embedder..")
        .because("the sink and the re-index build on the store, not the other way round")
        .check(classes);
  }

  @Test
  void milvusSdkOnlyInTheMilvusStore() {
    onlyInside("dev.imgsearch.indexer.store.milvus..", "io.milvus..");
  }

  @Test
  void luceneOnlyInTheLuceneStore() {
    onlyInside("dev.imgsearch.indexer.store.lucene..", "org.apache.lucene..");
  }

  /** Only classes in {@code home} depend on classes in {@code library}. */
  private void onlyInside(String home, String library) {
    noClasses()
        .that()
        .resideOutsideOfPackage(home)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(library)
        .check(classes);
  }
}
