package dev.imgsearch.indexer.store;

import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import java.util.Locale;

/** Opens the Milvus store from settings. */
final class MilvusStores {
  private MilvusStores() {}

  static VectorStore open(StoreSettings settings) {
    MilvusConfig.Consistency consistency;
    try {
      consistency =
          MilvusConfig.Consistency.valueOf(settings.consistency().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "milvus.consistency must be STRONG, BOUNDED, SESSION or EVENTUALLY, not "
              + settings.consistency(),
          e);
    }
    MilvusConfig config =
        MilvusConfig.of(settings.milvusUri())
            .withToken(settings.milvusToken())
            .withSearchConsistency(consistency);
    return new MilvusVectorStore(config, settings.spec());
  }
}
