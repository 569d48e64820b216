package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.StoreSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code local}, {@code bench} and {@code reindex} share one {@code --vector-store}: the same
 * names, the same default, {@code lucene} still accepted (reindex's old name of embedded).
 */
class StoreOptionsTest {
  private static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void everyCommandDefaultsToTheSameStore() {
    assertThat(parse(new LocalCommand()).store.vectorStore)
        .isEqualTo(parse(new BenchCommand()).store.vectorStore)
        .isEqualTo(parse(new ReindexCommand(), "--collection", "c").store.vectorStore)
        .isEqualTo(StoreOptions.VectorStore.embedded)
        .hasToString(LocalStackSettings.DEFAULT_VECTOR_STORE);
  }

  @Test
  void luceneAndAnyCaseNameTheSameStores() {
    assertThat(
            parse(new ReindexCommand(), "--collection", "c", "--vector-store", "lucene")
                .settings()
                .kind())
        .isEqualTo(StoreSettings.Kind.EMBEDDED);
    assertThat(parse(new LocalCommand(), "--vector-store", "Lucene").store.vectorStore)
        .isEqualTo(StoreOptions.VectorStore.embedded);
    assertThat(parse(new BenchCommand(), "--vector-store", "MILVUS").options().vectorStore())
        .isEqualTo("milvus");
  }

  @Test
  void reindexReadsTheLocalStacksStoreByDefault() {
    StoreSettings s = parse(new ReindexCommand(), "--collection", "c").settings();
    assertThat(s.kind()).isEqualTo(StoreSettings.Kind.EMBEDDED);
    assertThat(s.path())
        .isEqualTo(
            java.nio.file.Path.of(LocalStackSettings.DEFAULT_DATA_DIR, "vectors").toString());
    assertThat(s.collection()).isEqualTo(LocalStack.COLLECTION);
  }

  @Test
  void onlyMilvusWithoutAUriNeedsTheBundledServer() {
    assertThat(parse(new LocalCommand(), "--vector-store", "milvus").store.needsBundledMilvus())
        .isTrue();
    assertThat(
            parse(new LocalCommand(), "--vector-store", "milvus", "--milvus-uri", "http://h:1")
                .store
                .needsBundledMilvus())
        .isFalse();
    assertThat(parse(new LocalCommand()).store.needsBundledMilvus()).isFalse();
  }
}
