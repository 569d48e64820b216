package dev.imgsearch.indexer.store.milvus;

import java.util.Objects;

/**
 * Where and how {@link MilvusVectorStore} talks to Milvus.
 *
 * @param uri gRPC endpoint, {@code http://host:19530} (or {@code https://})
 * @param token {@code user:password} or an API key; empty when authentication is off
 * @param database Milvus database; {@code default} unless set
 * @param searchConsistency consistency of {@link MilvusVectorStore#search} and {@link
 *     MilvusVectorStore#get}; {@link MilvusVectorStore#count} is always {@link Consistency#STRONG}
 */
public record MilvusConfig(
    String uri, String token, String database, Consistency searchConsistency) {

  /**
   * Milvus consistency levels, as a trade-off between search latency and freshness. Measured on
   * Milvus 2.3.5 standalone (2 cores): a Strong search waits 130–220 ms for the next time tick, the
   * others answer in about 5 ms.
   *
   * <ul>
   *   <li>{@link #STRONG}: sees every acknowledged write; pays the time-tick wait on every request.
   *   <li>{@link #BOUNDED} (default): sees every write acknowledged at least the server's {@code
   *       common.gracefulTime} before the search (Milvus' default 5 s; 1 s on the servers this
   *       project starts and in its k8s manifest), waiting only when the query node lags further;
   *       newer writes are seen as soon as the query node has consumed them (about one time tick,
   *       {@code proxy.timeTickInterval}). On an idle 2.3.5 standalone a fresh upsert was found
   *       0.2–0.3 s after it was acknowledged ({@code VectorStoreBenchmarkIT}). {@link
   *       MilvusVectorStore#flush()} closes the gap: after it returns, searches on this server see
   *       every write made before it (for a standalone server or a single replica). The sink no
   *       longer flushes on checkpoints (see {@link MilvusVectorStore#persist()}).
   *   <li>{@link #SESSION}: read-your-writes for writes made through this JVM (the SDK remembers
   *       the timestamp of the last write per collection); other writers' rows are seen as with
   *       {@link #EVENTUALLY}.
   *   <li>{@link #EVENTUALLY}: no wait and no guarantee.
   * </ul>
   */
  public enum Consistency {
    STRONG,
    BOUNDED,
    SESSION,
    EVENTUALLY
  }

  public static final String DEFAULT_DATABASE = "default";

  public MilvusConfig {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw new IllegalArgumentException("Milvus uri must start with http:// or https://: " + uri);
    }
    token = Objects.requireNonNullElse(token, "");
    database = database == null || database.isBlank() ? DEFAULT_DATABASE : database;
    searchConsistency = Objects.requireNonNullElse(searchConsistency, Consistency.BOUNDED);
  }

  /** No authentication, the default database, Bounded searches. */
  public static MilvusConfig of(String uri) {
    return new MilvusConfig(uri, "", DEFAULT_DATABASE, Consistency.BOUNDED);
  }

  public MilvusConfig withToken(String newToken) {
    return new MilvusConfig(uri, newToken, database, searchConsistency);
  }

  public MilvusConfig withDatabase(String newDatabase) {
    return new MilvusConfig(uri, token, newDatabase, searchConsistency);
  }

  public MilvusConfig withSearchConsistency(Consistency consistency) {
    return new MilvusConfig(uri, token, database, consistency);
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "MilvusConfig[uri="
        + uri
        + ", token="
        + (token.isEmpty() ? "(none)" : "***")
        + ", database="
        + database
        + ", searchConsistency="
        + searchConsistency
        + "]";
  }
}
