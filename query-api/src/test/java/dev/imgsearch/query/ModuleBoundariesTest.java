package dev.imgsearch.query;

import dev.imgsearch.schemas.testing.ModuleBoundaries;
import org.junit.jupiter.api.Test;

/**
 * The query API reads the index (indexer-store) and embeds probe images (embedder-core); it runs no
 * stream processor and talks to each store only through the store contract. (The build's enforcer
 * rule keeps Flink off its class path.)
 */
class ModuleBoundariesTest extends ModuleBoundaries {
  ModuleBoundariesTest() {
    super(QueryApi.class);
  }

  @Test
  void noFlinkNoKafkaStreams() {
    noDependencyOn("org.apache.flink..", "org.apache.kafka.streams..").check(classes);
  }

  @Test
  void noStoreClientLibraries() {
    noDependencyOn("io.milvus..", "org.apache.lucene..")
        .because(
            "the stores' client libraries stay inside indexer-store's milvus and lucene packages")
        .check(classes);
  }

  @Test
  void noWritePathNoJob() {
    noDependencyOn(
            "dev.imgsearch.indexer.sink..",
            "dev.imgsearch.indexer.reindex..",
            "dev.imgsearch.embedder.job..")
        .check(classes);
  }
}
