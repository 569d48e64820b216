package dev.imgsearch.query.it;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.milvus.MilvusConfig;
import dev.imgsearch.indexer.store.milvus.MilvusVectorStore;
import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The endpoint contract on a real Milvus standalone server (Strong consistency, a fresh
 * collection). Only one Milvus server can run per machine (fixed etcd port): while another test
 * holds it, the start is retried for a while.
 */
class MilvusStoreQueryApiIT extends QueryApiStoreContract {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(MilvusStoreQueryApiIT.class);
  private static final Duration WAIT_FOR_MACHINE = Duration.ofMinutes(5);
  private MilvusServer server;
  private MilvusVectorStore milvus;

  @Override
  VectorStore openStore(Path dir, CollectionSpec spec) throws Exception {
    server = startWhenFree(dir.resolve("milvus"));
    milvus =
        new MilvusVectorStore(
            MilvusConfig.of(server.uri()).withSearchConsistency(MilvusConfig.Consistency.STRONG),
            spec);
    return milvus;
  }

  @Override
  void shutdown() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  void beforeStoreClose() {
    if (milvus != null) {
      milvus.dropCollection();
    }
  }

  private static MilvusServer startWhenFree(Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_FOR_MACHINE.toNanos();
    while (true) {
      try {
        return MilvusServer.startOrConnect(dir);
      } catch (IllegalStateException e) {
        boolean busy = String.valueOf(e.getMessage()).contains("in use");
        if (!busy || System.nanoTime() > deadline) {
          throw e;
        }
        LOG.info(
            "another Milvus server runs on this machine; retrying in 5 s ({})", e.getMessage());
        Thread.sleep(5_000);
      }
    }
  }
}
