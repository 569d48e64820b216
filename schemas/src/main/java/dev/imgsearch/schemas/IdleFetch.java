package dev.imgsearch.schemas;

import java.util.Map;

/**
 * How long a fetch of the pipeline's long-running consumers (ingest-stream's, the embedder job's
 * sources, the query API's watch and alert readers) waits at the broker while there is nothing to
 * read: Kafka's {@code fetch.max.wait.ms}, 500 ms by default, so an idle consumer sends two fetches
 * a second and the broker answers both, empty. A record appended to a partition that a waiting
 * fetch reads answers that fetch at once, so a longer wait adds no latency to new data; it spaces
 * out the empty answers. The one cost: a partition assigned or resumed while a fetch waits is read
 * when that fetch returns, at most {@value #MAX_WAIT_MS} ms later. Measured in docs/benchmarks.md
 * (the idle stack).
 */
public final class IdleFetch {
  /** The Kafka consumer setting. */
  public static final String CONFIG = "fetch.max.wait.ms";

  /** The wait, ms. */
  public static final int MAX_WAIT_MS = 2_000;

  private IdleFetch() {}

  /** {@code properties} with the wait set unless they set it already. */
  public static void setDefault(Map<String, Object> properties) {
    properties.putIfAbsent(CONFIG, MAX_WAIT_MS);
  }
}
