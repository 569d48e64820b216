package dev.imgsearch.schemas;

import java.util.concurrent.ThreadFactory;

/** Thread factories for background work that must not keep the JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Daemon threads, each named {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
