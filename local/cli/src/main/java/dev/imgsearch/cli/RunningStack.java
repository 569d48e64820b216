package dev.imgsearch.cli;

import dev.imgsearch.indexer.store.StoreSettings;
import java.util.Optional;

/**
 * A started local stack, in one JVM ({@link LocalStack}) or as processes ({@link ClusterStack}).
 */
interface RunningStack extends AutoCloseable {
  String queryApiUrl();

  String s3Endpoint();

  String bootstrapServers();

  StoreSettings storeSettings();

  /** The Flink web UI and REST API, when the job runs on a cluster of its own. */
  default Optional<String> flinkWebUi() {
    return Optional.empty();
  }

  /** Stops everything started, last started first. */
  @Override
  void close();
}
