package dev.imgsearch.indexer.store;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which vector store to open and how; serializable so a Flink sink can carry it to its task
 * managers.
 *
 * @param kind {@code embedded} (Lucene HNSW on disk, one process) or {@code milvus}
 * @param path embedded store directory
 * @param milvusUri e.g. {@code http://127.0.0.1:19530}
 * @param milvusToken {@code user:password} or an API token; empty for none
 * @param consistency Milvus consistency level for searches: STRONG, BOUNDED, SESSION or EVENTUALLY
 * @param index index parameters (type, HNSW M/efConstruction/ef, IVF nlist/nprobe) as a spec of
 *     this collection and dimension; null for the defaults ({@link CollectionSpec#of})
 */
public record StoreSettings(
    Kind kind,
    String path,
    String milvusUri,
    String milvusToken,
    String collection,
    int dimension,
    String consistency,
    CollectionSpec index)
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
      throw new IllegalArgumentException(
          "the Milvus store needs a URI (e.g. http://127.0.0.1:19530)");
    }
    milvusToken = Objects.requireNonNullElse(milvusToken, "");
    consistency = Objects.requireNonNullElse(consistency, "BOUNDED");
    if (index != null && (!index.name().equals(collection) || index.dimension() != dimension)) {
      throw new IllegalArgumentException(
          "index parameters are for "
              + index.name()
              + "/"
              + index.dimension()
              + ", not "
              + collection
              + "/"
              + dimension);
    }
  }

  /**
   * The same settings with other index parameters, e.g. {@code s.withIndex(s.spec().withHnsw(32,
   * 400, 256))} or {@code s.withIndex(s.spec().withIvf(IndexType.IVF_SQ8, 1024, 32))}.
   */
  public StoreSettings withIndex(CollectionSpec spec) {
    return new StoreSettings(
        kind, path, milvusUri, milvusToken, collection, dimension, consistency, spec);
  }

  /** The same settings on another collection (same index parameters). */
  public StoreSettings withCollection(String name) {
    return new StoreSettings(
        kind,
        path,
        milvusUri,
        milvusToken,
        name,
        dimension,
        consistency,
        index == null ? null : index.withName(name));
  }

  public static StoreSettings embedded(String path, String collection, int dimension) {
    return new StoreSettings(Kind.EMBEDDED, path, null, null, collection, dimension, null, null);
  }

  public static StoreSettings milvus(
      String uri, String token, String collection, int dimension, String consistency) {
    return new StoreSettings(
        Kind.MILVUS, null, uri, token, collection, dimension, consistency, null);
  }

  public CollectionSpec spec() {
    return index != null ? index : CollectionSpec.of(collection, dimension);
  }
}
