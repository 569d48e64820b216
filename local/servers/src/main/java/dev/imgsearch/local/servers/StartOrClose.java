package dev.imgsearch.local.servers;

import java.util.function.Consumer;

/**
 * Starting something made of several parts (the processes of a cluster, the stages of a local
 * stack) so that a failure half-way stops what did start.
 */
public final class StartOrClose {
  private StartOrClose() {}

  /**
   * Runs {@code start} on {@code resource} and returns it; when {@code start} fails, closes {@code
   * resource} (a failure to close is added to the start's as suppressed) and rethrows.
   */
  public static <T extends AutoCloseable> T start(T resource, Consumer<T> start) {
    try {
      start.accept(resource);
      return resource;
    } catch (RuntimeException e) {
      try {
        resource.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
