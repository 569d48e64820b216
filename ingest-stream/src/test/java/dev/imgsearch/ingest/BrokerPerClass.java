package dev.imgsearch.ingest;

import dev.imgsearch.local.servers.KafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the ITs that share one Kafka broker (KRaft, in this JVM, on a free port) per test class,
 * its log under the class's temporary directory {@link #dir}, which the tests use for the rest of
 * their files too.
 */
abstract class BrokerPerClass {
  @TempDir static Path dir;
  static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start(dir.resolve("kafka"), 0);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
