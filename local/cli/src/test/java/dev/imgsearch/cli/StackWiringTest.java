package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.job.EmbedderJob;
import dev.imgsearch.embedder.job.EmbedderSettings;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What both local stacks configure their stages with. */
class StackWiringTest {
  private static final Path DATA = Path.of("/data");

  private static LocalStackSettings settings(String store, String milvusUri) {
    return new LocalStackSettings(DATA, store, milvusUri, 8080, 9092, 9000, "images", "ak", "sk");
  }

  @Test
  void theEmbeddedStoreLivesUnderTheDataDirAndMilvusTakesTheConsistencyOverride() {
    StoreSettings embedded = StackWiring.store(DATA, settings("embedded", null), Map.of());
    assertThat(embedded.kind()).isEqualTo(StoreSettings.Kind.EMBEDDED);
    assertThat(embedded.path()).isEqualTo(DATA.resolve("vectors").toString());
    assertThat(embedded.collection()).isEqualTo(LocalStack.COLLECTION);
    StoreSettings milvus =
        StackWiring.store(
            DATA, settings("milvus", "http://m:19530"), Map.of("milvus.consistency", "STRONG"));
    assertThat(milvus.milvusUri()).isEqualTo("http://m:19530");
    assertThat(milvus.consistency()).isEqualTo("STRONG");
    assertThat(
            StackWiring.store(DATA, settings("milvus", "http://m:19530"), Map.of()).consistency())
        .isEqualTo(LocalStack.DEFAULT_MILVUS_CONSISTENCY);
  }

  @Test
  void theJobsOptionsParseAndOverridesWin() {
    LocalStackSettings s = settings("embedded", null);
    StoreSettings store = StackWiring.store(DATA, s, Map.of());
    Map<String, String> options =
        StackWiring.embedderOptions(
            s, store, "k:1", "http://s3:9000", Map.of("checkpoint.interval", "PT0.2S"));
    assertThat(options)
        .containsEntry("kafka.bootstrap-servers", "k:1")
        .containsEntry("store.kind", "embedded")
        .containsEntry("store.path", store.path())
        .containsEntry("topic.watches", Topics.WATCHES.name())
        .containsEntry("checkpoint.interval", "PT0.2S")
        .doesNotContainKey("milvus.uri");
    EmbedderSettings parsed = EmbedderSettings.fromMap(options);
    assertThat(parsed.store().kind()).isEqualTo(StoreSettings.Kind.EMBEDDED);
    assertThat(parsed.store().path()).isEqualTo(store.path());
    assertThat(parsed.store().collection()).isEqualTo(LocalStack.COLLECTION);
    assertThat(
            StackWiring.embedderOptions(s, store, "k:1", "http://s3:9000", Map.of())
                .get("checkpoint.interval"))
        .isEqualTo(EmbedderJob.LOCAL_CHECKPOINT_INTERVAL.toString());
  }

  @Test
  void ingestStoresRawFramesInTheBucket() {
    Map<String, String> options =
        StackWiring.ingestOptions(settings("embedded", null), DATA, "k:1", "http://s3:9000", 9404);
    assertThat(options)
        .containsEntry("frames.bucket", "images")
        .containsEntry("state.dir", DATA.resolve("ingest-state").toString())
        .containsEntry("metrics.port", "9404")
        .containsEntry("s3.secret-key", "sk");
  }
}
