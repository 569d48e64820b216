package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.milvus.MilvusAliases;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Re-index on the real Milvus server: a reader on the alias sees the new collection right after the swap. */
class MilvusReindexIT extends ReindexScenario {
  private static MilvusServer server;
  private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

  @BeforeAll
  static void startServer() {
    server = MilvusServer.startOrConnect(Path.of("target", "milvus-it"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  StoreSettings aliasSettings() {
    return StoreSettings.milvus(server.uri(), "", "images_" + suffix, DIM, "STRONG");
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
      var client =
          new io.milvus.v2.client.MilvusClientV2(io.milvus.v2.client.ConnectConfig.builder().uri(server.uri()).build());
      try {
        for (String alias : new String[] {"images_" + suffix, "images_" + suffix + CollectionSpec.PHASH_COLLECTION_SUFFIX,
            "images_" + suffix + CollectionSpec.OBJECTS_COLLECTION_SUFFIX,
            "images_" + suffix + CollectionSpec.FACES_COLLECTION_SUFFIX}) {
          try {
            client.dropAlias(io.milvus.v2.service.utility.request.DropAliasReq.builder().alias(alias).build());
          } catch (RuntimeException noAlias) {
            // the test failed before creating it
          }
        }
      } finally {
        client.close();
      }
      for (String name : new String[] {v2, v1}) {
        try (var store = new MilvusVectorStore(MilvusConfig.of(server.uri()), CollectionSpec.of(name, DIM))) {
          store.dropCollection();
        }
      }
    }
  }

  @Test
  void aCompanionAliasNameTakenByACollectionFailsBeforeAnyAliasMoves() {
    String alias = "images_" + suffix;
    String taken = alias + CollectionSpec.PHASH_COLLECTION_SUFFIX; // a plain collection, as a pre-alias store leaves
    String v1 = alias + "_v1";
    MilvusConfig config = MilvusConfig.of(server.uri());
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
