package dev.imgsearch.cli;

import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The poison corpus through the whole pipeline on the real Milvus standalone server. */
class MilvusPoisonCorpusIT extends PoisonCorpusContract {
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
}
