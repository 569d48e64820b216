package dev.imgsearch.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The end-to-end tests with the default embedded (Lucene HNSW) vector store. */
class EmbeddedStoreLocalStackIT extends LocalStackContract {
  @Override
  LocalStackSettings settings(Path dataDir) {
    return LocalStackSettings.ephemeral(dataDir, "embedded", null);
  }

  /** Issue #13's poison corpus through the whole pipeline. */
  @Nested
  class PoisonCorpus extends PoisonCorpusContract {
    @Override
    LocalStackSettings settings(Path dataDir) {
      return LocalStackSettings.ephemeral(dataDir, "embedded", null);
    }
  }
}
