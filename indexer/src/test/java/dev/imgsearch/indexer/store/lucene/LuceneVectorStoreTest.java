package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store passes the same contract as Milvus (it runs in-process, so it is a plain unit test). */
class LuceneVectorStoreTest extends VectorStoreContract {
  @TempDir Path dir;

  @Override
  protected VectorStore open(CollectionSpec spec) {
    return new LuceneVectorStore(dir.resolve(spec.name()), spec);
  }
}
