package dev.imgsearch.indexer.store.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import java.util.function.Supplier;

/**
 * How the store talks to the SDK: the connection from a {@link MilvusConfig}, and every SDK call
 * wrapped so that whatever it throws becomes a {@link MilvusStoreException} naming the operation
 * and the collection.
 */
final class MilvusCalls {
  private MilvusCalls() {}

  /** Connects to {@link MilvusConfig#uri()} and database, with the token when there is one. */
  static MilvusClientV2 connect(MilvusConfig config, String collection) {
    ConnectConfig.ConnectConfigBuilder connect =
        ConnectConfig.builder().uri(config.uri()).dbName(config.database());
    if (!config.token().isEmpty()) {
      connect.token(config.token());
    }
    return call("connect", collection, () -> new MilvusClientV2(connect.build()));
  }

  /**
   * Runs one SDK call, wrapping whatever it throws into a {@link MilvusStoreException} naming the
   * operation.
   */
  static <T> T call(String operation, String collection, Supplier<T> sdkCall) {
    try {
      return sdkCall.get();
    } catch (RuntimeException e) {
      throw new MilvusStoreException(operation, collection, e);
    }
  }

  /** {@link #call} for an SDK call without a result. */
  static void run(String operation, String collection, Runnable sdkCall) {
    call(
        operation,
        collection,
        () -> {
          sdkCall.run();
          return null;
        });
  }
}
