package dev.imgsearch.embedder.job;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the job ITs that share one {@link JobHarness} (a plain Kafka broker and the S3 server,
 * account {@link #ACCESS}/{@link #SECRET}) per test class, under the class's temporary directory
 * {@link #tmp}.
 */
abstract class HarnessPerClass {
  static final String BUCKET = JobHarness.BUCKET;
  static final String ACCESS = "job-it";
  static final String SECRET = "job-it-secret";

  @TempDir static Path tmp;
  static JobHarness it;

  @BeforeAll
  static void startHarness() {
    it = JobHarness.start(tmp, ACCESS, SECRET);
  }

  @AfterAll
  static void stopHarness() {
    if (it != null) {
      it.close();
      it = null;
    }
  }
}
