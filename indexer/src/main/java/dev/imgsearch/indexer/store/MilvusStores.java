package dev.imgsearch.indexer.store;

/** Opens the Milvus store from settings (kept apart so the embedded path never loads the Milvus SDK). */
final class MilvusStores {
  private MilvusStores() {}

  static VectorStore open(StoreSettings settings) {
    throw new IllegalStateException("Milvus store wiring pending");
  }
}
