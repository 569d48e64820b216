package dev.imgsearch.ingest;

import dev.imgsearch.schemas.avro.ImageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs after the repartition by image id: applies {@link Dedup} with the per-id state in store
 * {@value #STORE}, forwards emitted events without internal headers, and removes entries older than
 * the TTL on a wall-clock punctuation (except those holding a live object version, see {@link
 * Dedup#purgeable}).
 */
final class DedupProcessor implements Processor<String, ImageEvent, String, ImageEvent> {
  static final String STORE = "dedup-by-image-id";
  static final String SKIP_DUPLICATE = "duplicate";
  static final String SKIP_STALE = "stale";
  static final String SKIP_NONCURRENT_DELETE = "noncurrent-version-deleted";

  private final Duration ttl;
  private final IngestMetrics metrics;
  private ProcessorContext<String, ImageEvent> context;
  private KeyValueStore<String, Dedup.State> store;

  DedupProcessor(Duration ttl, IngestMetrics metrics) {
    this.ttl = ttl;
    this.metrics = metrics;
  }

  /** How often expired entries are purged: a quarter of the TTL, between 1 s and 1 min. */
  static Duration purgeInterval(Duration ttl) {
    long ms = Math.max(1_000, Math.min(60_000, ttl.toMillis() / 4));
    return Duration.ofMillis(ms);
  }

  @Override
  public void init(ProcessorContext<String, ImageEvent> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(purgeInterval(ttl), PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, ImageEvent> record) {
    ImageEvent e = record.value();
    var h = record.headers().lastHeader(MapNotifications.SEQUENCER_HEADER);
    String sequencer =
        h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    long now = context.currentSystemTimeMs();
    Dedup.State previous = store.get(record.key());
    boolean versionDelete =
        record.headers().lastHeader(MapNotifications.VERSION_DELETE_HEADER) != null;
    switch (Dedup.decide(previous, e, sequencer, now, ttl, versionDelete)) {
      case DUPLICATE -> metrics.skipped(SKIP_DUPLICATE);
      case STALE -> metrics.skipped(SKIP_STALE);
      case NONCURRENT_DELETE -> metrics.skipped(SKIP_NONCURRENT_DELETE);
      case EMIT -> {
        store.put(record.key(), Dedup.remember(previous, e, sequencer, now));
        metrics.event(e.getType().name());
        context.forward(record.withHeaders(new RecordHeaders()));
      }
    }
  }

  private void purge(long now) {
    long removed = 0;
    try (KeyValueIterator<String, Dedup.State> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Dedup.State> kv = it.next();
        if (Dedup.purgeable(kv.value, now, ttl)) {
          store.delete(kv.key);
          removed++;
        }
      }
    }
    if (removed > 0) {
      metrics.dedupExpired(removed);
    }
  }
}
