package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.store.StoreSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-index on the embedded store (pointer-file alias); in process, so a plain test. */
class EmbeddedReindexTest extends ReindexScenario {
  @TempDir Path dir;

  @Override
  StoreSettings aliasSettings() {
    return StoreSettings.embedded(dir.toString(), "images", DIM);
  }

  @Override
  boolean openReadersFollowTheSwap() {
    return false;
  }

  @Test
  void rebuildsBehindThePointerFileAndSwaps() {
    assertRebuildsAndSwaps("images_v1", "images_v2");
  }
}
