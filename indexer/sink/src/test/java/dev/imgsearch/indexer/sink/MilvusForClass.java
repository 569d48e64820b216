package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import dev.imgsearch.local.servers.MilvusServer;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.utility.request.DropAliasReq;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Milvus server of one IT class ({@code @RegisterExtension static final MilvusForClass MILVUS =
 * new MilvusForClass();}): a standalone server launched under {@code target/milvus-it} before the
 * class's tests and stopped after them, or the one at {@code IMGSEARCH_MILVUS_URI}; and the
 * clean-up the ITs share.
 */
public final class MilvusForClass implements BeforeAllCallback, AfterAllCallback {
  private MilvusServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = MilvusServer.startOrConnect(Path.of("target", "milvus-it"));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  public MilvusServer server() {
    return server;
  }

  public String uri() {
    return server.uri();
  }

  /** Settings of {@code collection} on this server: no token, Strong reads. */
  public StoreSettings strong(String collection, int dimension) {
    return StoreSettings.milvus(uri(), "", collection, dimension, "STRONG");
  }

  /**
   * Drops the collections {@code names} of {@code dimension} on the server at {@code uri}, in this
   * order.
   */
  public static void dropCollections(String uri, int dimension, String... names) {
    for (String name : names) {
      try (var store =
          new MilvusVectorStore(MilvusConfig.of(uri), CollectionSpec.of(name, dimension))) {
        store.dropCollection();
      }
    }
  }

  /**
   * Drops the aliases {@code aliases} on the server at {@code uri}; one that does not exist is
   * passed over.
   */
  public static void dropAliases(String uri, String... aliases) {
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri).build());
    try {
      for (String alias : aliases) {
        try {
          client.dropAlias(DropAliasReq.builder().alias(alias).build());
        } catch (RuntimeException noAlias) {
          // the test failed before creating it
        }
      }
    } finally {
      client.close();
    }
  }
}
