package dev.imgsearch.local.servers;

import java.time.Duration;

/** The pause between two polls of the Milvus start and stop waits. */
final class MilvusWaits {
  private MilvusWaits() {}

  /**
   * Sleeps {@code d}; an interrupt ends the wait with an {@link IllegalStateException} (interrupt
   * flag kept).
   */
  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Milvus", e);
    }
  }
}
