package dev.imgsearch.cli;

import java.nio.file.Path;

/** The end-to-end test with the default embedded (Lucene HNSW) vector store. */
class EmbeddedStoreLocalStackIT extends LocalStackContract {
  @Override
  LocalStackSettings settings(Path dataDir) {
    return LocalStackSettings.ephemeral(dataDir, "embedded", null);
  }
}
