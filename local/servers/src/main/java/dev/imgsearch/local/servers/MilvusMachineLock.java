package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Only one Milvus Lite server can run per machine (the embedded etcd's peer port 2380 is fixed), so
 * starts queue: first on a machine-wide file lock ({@value #LOCK_FILE} in {@code java.io.tmpdir}),
 * then on port 2380 for a server not started by this module. Each wait lasts at most {@link
 * #BUSY_TIMEOUT}.
 */
final class MilvusMachineLock {
  static final Duration BUSY_TIMEOUT = Duration.ofMinutes(10);
  static final int ETCD_PEER_PORT = 2380;

  private static final Logger LOG = LoggerFactory.getLogger(MilvusMachineLock.class);
  private static final String LOCK_FILE = "imgsearch-milvus-server.lock";

  private MilvusMachineLock() {}

  /**
   * Takes the machine-wide lock, waiting up to {@link #BUSY_TIMEOUT} for another JVM to release it.
   */
  static FileLock acquire() {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), LOCK_FILE);
    Instant deadline = Instant.now().plus(BUSY_TIMEOUT);
    boolean logged = false;
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
          channel.close();
          throw new IllegalStateException(
              "this JVM already runs a Milvus server; share it (only one per machine)");
        }
        if (lock != null) {
          return lock;
        }
        if (Instant.now().isAfter(deadline)) {
          channel.close();
          throw new IllegalStateException(
              "another build has been running a Milvus server for "
                  + BUSY_TIMEOUT.toMinutes()
                  + " min (lock "
                  + file
                  + " held); only one can run per machine");
        }
        if (!logged) {
          LOG.info(
              "another JVM runs a Milvus server (lock {} held); waiting up to {} min",
              file,
              BUSY_TIMEOUT.toMinutes());
          logged = true;
        }
        MilvusWaits.sleep(Duration.ofSeconds(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  /** Releases a lock of {@link #acquire()}; null is fine. */
  static void release(FileLock lock) {
    if (lock == null) {
      return;
    }
    try {
      lock.channel().close();
    } catch (IOException e) {
      LOG.warn("cannot release the Milvus machine lock", e);
    }
  }

  /**
   * Waits up to {@link #BUSY_TIMEOUT} for a server this module did not start to release the etcd
   * peer port.
   */
  static void awaitEtcdPortFree() {
    int port = ETCD_PEER_PORT;
    Instant deadline = Instant.now().plus(BUSY_TIMEOUT);
    if (MilvusPorts.listening(port)) {
      LOG.info(
          "port {} is in use (a Milvus server not started by this class?); waiting up to {} min",
          port,
          BUSY_TIMEOUT.toMinutes());
    }
    while (MilvusPorts.listening(port)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "port "
                + port
                + " has been in use for "
                + BUSY_TIMEOUT.toMinutes()
                + " min (another Milvus standalone or"
                + " etcd?); only one Milvus Lite server can run per machine. Stop it, or point "
                + MilvusServer.URI_ENV
                + " at it to use it instead.");
      }
      MilvusWaits.sleep(Duration.ofSeconds(1));
    }
  }
}
