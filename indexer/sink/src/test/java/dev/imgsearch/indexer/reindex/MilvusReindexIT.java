package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.sink.MilvusForClass;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.milvus.MilvusAliases;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Re-index on the real Milvus server: a reader on the alias sees the new collection right after the
 * swap.
 */
class MilvusReindexIT extends ReindexScenario {
  @RegisterExtension static final MilvusForClass MILVUS = new MilvusForClass();
  private final String suffix =
      Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

  @Override
  StoreSettings aliasSettings() {
    return MILVUS.strong("images_" + suffix, DIM);
  }

  @Override
  boolean openReadersFollowTheSwap() {
    return true;
  }

  @Test
  void rebuildsBehindTheAliasAndSwapsWithoutDowntime() {
    String v1 = "images_" + suffix + "_v1";
    String v2 = "images_" + suffix + "_v2";
    try {
      assertRebuildsAndSwaps(v1, v2);
    } finally {
      MilvusForClass.dropAliases(
          MILVUS.uri(),
          "images_" + suffix,
          "images_" + suffix + CollectionSpec.PHASH_COLLECTION_SUFFIX,
          "images_" + suffix + CollectionSpec.OBJECTS_COLLECTION_SUFFIX,
          "images_" + suffix + CollectionSpec.FACES_COLLECTION_SUFFIX);
      MilvusForClass.dropCollections(MILVUS.uri(), DIM, v2, v1);
    }
  }

  @Test
  void aCompanionAliasNameTakenByACollectionFailsBeforeAnyAliasMoves() {
    String alias = "images_" + suffix;
    String taken =
        alias
            + CollectionSpec
                .PHASH_COLLECTION_SUFFIX; // a plain collection, as a pre-alias store leaves
    String v1 = alias + "_v1";
    MilvusConfig config = MilvusConfig.of(MILVUS.uri());
    try (var plain = new MilvusVectorStore(config, CollectionSpec.of(taken, DIM));
        var target = new MilvusVectorStore(config, CollectionSpec.of(v1, DIM));
        var aliases = new MilvusAliases(config)) {
      try {
        plain.ensureCollection();
        target.ensureCollection();
        assertThatThrownBy(() -> aliases.repoint(alias, v1))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(taken)
            .hasMessageContaining("no alias was moved");
        assertThat(aliases.target(alias)).as("the main alias did not move").isEmpty();
      } finally {
        target.dropCollection();
        plain.dropCollection();
      }
    }
  }
}
