package dev.imgsearch.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's counters (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code imgsearch.ingest.events{type}} [{@code imgsearch_ingest_events_total}] — image
 *       events written
 *   <li>{@code imgsearch.ingest.skipped{reason}} — notifications records not turned into events:
 *       filter reasons ({@code bucket-filtered}, {@code prefix-filtered}, {@code suffix-filtered},
 *       {@code not-an-image}, {@code unsupported-event}) and {@code duplicate}, {@code stale},
 *       {@code noncurrent-version-deleted}
 *   <li>{@code imgsearch.ingest.dead.letters{reason}} — records sent to the dead-letter topic
 *       (reasons listed in the module README), and {@code dead-letter-dropped} for a refused dead
 *       letter that could not be replaced
 *   <li>{@code imgsearch.ingest.frames.stored} — frames written to the object store
 *   <li>{@code imgsearch.ingest.object.store.retries} — failed object store writes that were
 *       retried
 *   <li>{@code imgsearch.ingest.dedup.expired} — de-duplication entries removed after their TTL
 *   <li>{@code imgsearch.ingest.thread.replacements} — stream threads that failed and were replaced
 *       (alert when &gt; 0)
 * </ul>
 */
public final class IngestMetrics {
  static final String THREAD_REPLACEMENTS = "imgsearch.ingest.thread.replacements";
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void event(String type) {
    counter("imgsearch.ingest.events", "type", type).increment();
  }

  public void skipped(String reason) {
    counter("imgsearch.ingest.skipped", "reason", reason).increment();
  }

  public void deadLetter(String reason) {
    counter("imgsearch.ingest.dead.letters", "reason", reason).increment();
  }

  public void frameStored() {
    counter("imgsearch.ingest.frames.stored", null, null).increment();
  }

  public void objectStoreRetry() {
    counter("imgsearch.ingest.object.store.retries", null, null).increment();
  }

  /**
   * A stream thread died and was replaced (it resumes from the last commit); should stay 0 in a
   * healthy stream.
   */
  public void threadReplaced() {
    counter(THREAD_REPLACEMENTS, null, null).increment();
  }

  /** Stream threads replaced since start. */
  public long threadReplacements() {
    return (long) count(THREAD_REPLACEMENTS, null, null);
  }

  public void dedupExpired(long n) {
    counter("imgsearch.ingest.dedup.expired", null, null).increment(n);
  }

  /** Current value of a counter (0 if never incremented); for tests and the benchmark. */
  public double count(String name, String tag, String value) {
    Counter c = counters.get(name + "|" + tag + "|" + value);
    return c == null ? 0 : c.count();
  }

  /** Dead letters counted with {@code reason} so far; for tests and the benchmark. */
  public double deadLetters(String reason) {
    return count("imgsearch.ingest.dead.letters", "reason", reason);
  }

  private Counter counter(String name, String tag, String value) {
    return counters.computeIfAbsent(
        name + "|" + tag + "|" + value,
        k -> {
          Counter.Builder b = Counter.builder(name);
          if (tag != null) {
            b.tag(tag, value);
          }
          return b.register(registry);
        });
  }
}
