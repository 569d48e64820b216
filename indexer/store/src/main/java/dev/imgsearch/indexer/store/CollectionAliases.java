package dev.imgsearch.indexer.store;

import dev.imgsearch.indexer.store.lucene.PointerFileAliases;
import dev.imgsearch.indexer.store.milvus.MilvusAliases;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Names that point at a collection, so readers open the alias and a re-index swaps what they read
 * at once. Milvus: native collection aliases. Embedded store: a pointer file {@code <store
 * path>/<alias>.alias} holding the collection name, which {@link VectorStores#open} follows.
 */
public interface CollectionAliases extends AutoCloseable {

  /** The collection {@code alias} points at; empty when it is not an alias. */
  Optional<String> target(String alias);

  /**
   * Points {@code alias} at {@code collection} in one atomic step (creating the alias if needed).
   * Milvus also moves the perceptual-hash companion's alias {@code <alias>_phash}, in a second step
   * right after (see {@link dev.imgsearch.indexer.store.milvus.MilvusAliases#repoint}).
   */
  void repoint(String alias, String collection);

  @Override
  void close();

  /** The aliases of the store {@code settings} describe. */
  static CollectionAliases open(StoreSettings settings) {
    return switch (settings.kind()) {
      case EMBEDDED -> new PointerFileAliases(Path.of(settings.path()));
      case MILVUS ->
          new MilvusAliases(
              MilvusConfig.of(settings.milvusUri()).withToken(settings.milvusToken()));
    };
  }
}
