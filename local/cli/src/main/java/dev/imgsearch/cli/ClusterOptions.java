package dev.imgsearch.cli;

import dev.imgsearch.local.servers.FlinkClusterConfig;
import java.util.Set;

/**
 * Which {@code imgsearch local} options go with {@code --cluster} and which do not. Pure: the
 * command hands in the names of the options given on its command line; a conflict is a usage error
 * ({@link IllegalArgumentException}, one line + usage).
 */
final class ClusterOptions {
  /** Kafka nodes of the cluster stack (replication factor 3, min ISR 2). */
  static final int KAFKA_NODES = 3;

  /** Flink TaskManagers of the cluster stack. */
  static final int TASK_MANAGERS = 2;

  /** Default job parallelism with {@code --cluster}: one slot per TaskManager's core. */
  static final int DEFAULT_PARALLELISM = 2;

  /** Every slot of the cluster: the most parallel the job can run. */
  static final int MAX_PARALLELISM = TASK_MANAGERS * FlinkClusterConfig.SLOTS_PER_TM;

  private ClusterOptions() {}

  /**
   * Checks the options given with or without {@code --cluster}.
   *
   * @param given the option names on the command line (e.g. {@code --kafka-port})
   * @param parallelism the {@code --parallelism} value (checked with {@code --cluster} only)
   * @throws IllegalArgumentException naming the option that does not fit
   */
  static void check(boolean cluster, Set<String> given, int parallelism) {
    if (!cluster) {
      if (given.contains("--parallelism")) {
        throw new IllegalArgumentException(
            "--parallelism needs --cluster (the one-JVM stack runs the job on a MiniCluster at parallelism 1)");
      }
      return;
    }
    if (given.contains("--kafka-port")) {
      throw new IllegalArgumentException(
          "--kafka-port does not apply with --cluster: its "
              + KAFKA_NODES
              + " Kafka nodes take free ports (printed at start)");
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "--parallelism must be 1.."
              + MAX_PARALLELISM
              + " ("
              + TASK_MANAGERS
              + " TaskManagers × "
              + FlinkClusterConfig.SLOTS_PER_TM
              + " slots), not "
              + parallelism);
    }
  }
}
