package dev.imgsearch.cli;

import dev.imgsearch.indexer.store.StoreSettings;
import java.util.List;
import java.util.Optional;

/**
 * A started local stack, in one JVM ({@link LocalStack}) or as processes ({@link ClusterStack}).
 */
public interface RunningStack extends AutoCloseable {
  String queryApiUrl();

  String s3Endpoint();

  String bootstrapServers();

  StoreSettings storeSettings();

  /** Process id of the S3 server's JVM. */
  long s3ServerPid();

  /**
   * Process ids of the Flink JobManager and TaskManagers when the job runs in processes of its own;
   * empty when it runs in this JVM.
   */
  default List<Long> jobPids() {
    return List.of();
  }

  /**
   * Process ids of the stack's other child processes besides the S3 server and the job (Kafka
   * nodes, the query API's JVM); empty when they run in this JVM.
   */
  default List<Long> servicePids() {
    return List.of();
  }

  /** The Flink web UI and REST API, when the job runs on a cluster of its own. */
  default Optional<String> flinkWebUi() {
    return Optional.empty();
  }

  /** The job's Prometheus endpoint, when this JVM serves it (the one-JVM stack). */
  default Optional<String> jobMetricsUrl() {
    return Optional.empty();
  }

  /** Stops everything started, last started first. */
  @Override
  void close();
}
