package dev.imgsearch.local.servers.testing;

/** Stops what a test class started (from this module's test-jar). */
public final class Teardown {
  private Teardown() {}

  /** Closes {@code parts} in order, skipping the null ones (never started). */
  public static void closeAll(AutoCloseable... parts) throws Exception {
    for (AutoCloseable p : parts) {
      if (p != null) {
        p.close();
      }
    }
  }
}
