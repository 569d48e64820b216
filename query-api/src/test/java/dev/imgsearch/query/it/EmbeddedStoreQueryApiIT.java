package dev.imgsearch.query.it;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.nio.file.Path;

/** The endpoint contract on the embedded Lucene HNSW store. */
class EmbeddedStoreQueryApiIT extends QueryApiStoreContract {

  @Override
  VectorStore openStore(Path dir, CollectionSpec spec) {
    return VectorStores.open(StoreSettings.embedded(dir.toString(), spec.name(), spec.dimension()));
  }
}
