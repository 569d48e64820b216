package dev.imgsearch.query.it;

/** Stops what a test class started. */
final class Teardown {
  private Teardown() {}

  /** Closes {@code parts} in order, skipping the null ones (never started). */
  static void closeAll(AutoCloseable... parts) throws Exception {
    for (AutoCloseable p : parts) {
      if (p != null) {
        p.close();
      }
    }
  }
}
