package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStoreContract;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store passes the same contract as Milvus (it runs in-process, so it is a plain unit test). */
class LuceneVectorStoreTest extends VectorStoreContract {
  @TempDir Path dir;

  @Override
  protected VectorStore open(CollectionSpec spec) {
    return new LuceneVectorStore(dir.resolve(spec.name()), spec);
  }

  @Test
  void ivfIndexesAreMilvusOnly() {
    var ivf = spec.withIvf(CollectionSpec.IndexType.IVF_FLAT, 16, 4);
    assertThatThrownBy(() -> open(ivf)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HNSW only");
  }
}
