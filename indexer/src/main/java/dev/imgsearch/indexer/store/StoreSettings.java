package dev.imgsearch.indexer.store;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which vector store to open and how; serializable so a Flink sink can carry it to its task managers.
 *
 * @param kind {@code embedded} (Lucene HNSW on disk, one process) or {@code milvus}
 * @param path embedded store directory
 * @param milvusUri e.g. {@code http://127.0.0.1:19530}
 * @param milvusToken {@code user:password} or an API token; empty for none
 * @param consistency Milvus consistency level for searches: STRONG, BOUNDED, SESSION or EVENTUALLY
 */
public record StoreSettings(
    Kind kind,
    String path,
    String milvusUri,
    String milvusToken,
    String collection,
    int dimension,
    String consistency)
    implements Serializable {

  /** Store implementation. */
  public enum Kind {
    EMBEDDED,
    MILVUS
  }

  public StoreSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(collection, "collection");
    if (kind == Kind.EMBEDDED && (path == null || path.isBlank())) {
      throw new IllegalArgumentException("the embedded store needs a directory (path)");
    }
    if (kind == Kind.MILVUS && (milvusUri == null || milvusUri.isBlank())) {
      throw new IllegalArgumentException("the Milvus store needs a URI (e.g. http://127.0.0.1:19530)");
    }
    milvusToken = Objects.requireNonNullElse(milvusToken, "");
    consistency = Objects.requireNonNullElse(consistency, "BOUNDED");
  }

  public static StoreSettings embedded(String path, String collection, int dimension) {
    return new StoreSettings(Kind.EMBEDDED, path, null, null, collection, dimension, null);
  }

  public static StoreSettings milvus(String uri, String token, String collection, int dimension, String consistency) {
    return new StoreSettings(Kind.MILVUS, null, uri, token, collection, dimension, consistency);
  }

  public CollectionSpec spec() {
    return CollectionSpec.of(collection, dimension);
  }
}
