package dev.imgsearch.indexer.store.milvus;

/**
 * A Milvus call of {@link MilvusVectorStore} failed; the message names the operation and the
 * collection.
 */
public final class MilvusStoreException extends RuntimeException {
  private final String operation;

  MilvusStoreException(String operation, String collection, Throwable cause) {
    super(
        "Milvus " + operation + " on collection '" + collection + "' failed: " + cause.getMessage(),
        cause);
    this.operation = operation;
  }

  /** The store operation that failed, e.g. {@code upsert} or {@code search}. */
  public String operation() {
    return operation;
  }
}
