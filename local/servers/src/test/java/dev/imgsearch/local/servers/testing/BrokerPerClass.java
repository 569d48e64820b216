package dev.imgsearch.local.servers.testing;

import dev.imgsearch.local.servers.KafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the ITs that share one Kafka broker (KRaft, in this JVM, on a free port) per test class,
 * its log under the class's temporary directory {@link #dir}, which the tests use for the rest of
 * their files too (from this module's test-jar). The broker is started before the subclass's
 * {@code @BeforeAll} methods and closed after its {@code @AfterAll} methods.
 */
public abstract class BrokerPerClass {
  @TempDir protected static Path dir;
  protected static KafkaBroker broker;

  @BeforeAll
  protected static void startBroker() {
    broker = KafkaBroker.start(dir.resolve("kafka"), 0);
  }

  @AfterAll
  protected static void stopBroker() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
