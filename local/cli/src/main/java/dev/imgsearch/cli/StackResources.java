package dev.imgsearch.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a local stack ({@link LocalStack}, {@link ClusterStack}) has started, stopped last started
 * first; a failure to stop one is logged and the others still stop.
 */
final class StackResources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StackResources.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Remembers {@code resource} for {@link #close()} and returns it. */
  synchronized <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  /** Remembers a stop action for {@link #close()}. */
  synchronized void push(AutoCloseable stop) {
    started.push(stop);
  }

  /** Creates the data directory (and its parents). */
  static void createDataDir(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + dir, e);
    }
  }

  @Override
  public void close() {
    while (true) {
      AutoCloseable r;
      synchronized (this) {
        if (started.isEmpty()) {
          return;
        }
        r = started.pop();
      }
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", r, e.toString());
      }
    }
  }
}
