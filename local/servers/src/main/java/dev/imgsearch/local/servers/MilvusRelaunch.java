package dev.imgsearch.local.servers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a failed Milvus start is launched again: only when the server lost the race between the
 * launcher's port probe and its own bind (a port that was free when probed was taken, e.g. as the
 * ephemeral port of a new connection, before the server listened on it), and at most {@value
 * #ATTEMPTS} launches in all. Every other failure is final.
 */
final class MilvusRelaunch {
  /** Launches in all, the first included. */
  static final int ATTEMPTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(MilvusRelaunch.class);
  private static final String LOST_BIND = "bind: address already in use";

  private MilvusRelaunch() {}

  /**
   * Runs {@code launch} until it returns, relaunching after each failure that {@link #relaunch}
   * allows; rethrows the failure that ends it.
   */
  static void run(Runnable launch) {
    for (int attempt = 1; ; attempt++) {
      try {
        launch.run();
        return;
      } catch (IllegalStateException e) {
        if (!relaunch(attempt, e)) {
          throw e;
        }
        LOG.warn(
            "Milvus lost a port it had probed to another socket (attempt {} of {}); launching again",
            attempt,
            ATTEMPTS);
      }
    }
  }

  /**
   * Whether launch number {@code attempt} (from 1), which failed with {@code failure}, is followed
   * by another.
   */
  static boolean relaunch(int attempt, IllegalStateException failure) {
    return attempt < ATTEMPTS && lostPortRace(failure);
  }

  /**
   * Whether a failed start is the race between the launcher's port probe and the server's own bind.
   */
  static boolean lostPortRace(IllegalStateException failure) {
    return String.valueOf(failure.getMessage()).contains(LOST_BIND);
  }
}
