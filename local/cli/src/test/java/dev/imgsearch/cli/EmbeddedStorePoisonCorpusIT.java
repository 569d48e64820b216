package dev.imgsearch.cli;

import java.nio.file.Path;

/** The poison corpus through the whole pipeline on the default embedded (Lucene HNSW) store. */
class EmbeddedStorePoisonCorpusIT extends PoisonCorpusContract {
  @Override
  LocalStackSettings settings(Path dataDir) {
    return LocalStackSettings.ephemeral(dataDir, "embedded", null);
  }
}
