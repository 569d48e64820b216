package dev.imgsearch.cli;

import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The end-to-end tests with the real Milvus standalone server as the vector store (one server for
 * both).
 */
class MilvusLocalStackIT extends LocalStackContract {
  private static MilvusServer milvus;

  @BeforeAll
  static void startMilvus() {
    milvus = MilvusServer.startOrConnect(Path.of("target", "milvus-e2e"));
  }

  @AfterAll
  static void stopMilvus() {
    if (milvus != null) {
      milvus.close();
    }
  }

  @Override
  LocalStackSettings settings(Path dataDir) {
    return LocalStackSettings.ephemeral(dataDir, "milvus", milvus.uri());
  }

  /** Issue #13's poison corpus through the whole pipeline, on the same server. */
  @Nested
  class PoisonCorpus extends PoisonCorpusContract {
    @Override
    LocalStackSettings settings(Path dataDir) {
      return LocalStackSettings.ephemeral(dataDir, "milvus", milvus.uri());
    }
  }
}
