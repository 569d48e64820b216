package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.watch.Alerts;
import dev.imgsearch.embedder.watch.Cooldown;
import dev.imgsearch.embedder.watch.WatchCandidate;
import dev.imgsearch.embedder.watch.WatchIndex;
import dev.imgsearch.embedder.watch.WatchMatch;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.watch.CompiledWatch;
import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Matches every new embedding against the active watches (Flink's broadcast state pattern). The
 * watches topic arrives as the broadcast side: its records (key = watch id, value = Avro {@code
 * Watch}, no value = delete) are kept as bytes in the checkpointed broadcast state and compiled
 * into a {@link WatchIndex}. The embeddings are keyed by source, so the {@link Cooldown} of each
 * (watch, source) lives in checkpointed keyed state: a replay after a failure decides as the first
 * run did, and the deterministic alert ids let consumers drop what the at-least-once sink repeats.
 *
 * <p>Frame and near-duplicate watches match the image; object and face watches match the items
 * detected in it ({@code EmbeddingChange.items}), each matching item an alert of its own (id by
 * watch, image and item index) under the same cooldown: with a cooldown, only the watch's
 * best-scoring item of an image raises one (the others are at the same capture time).
 *
 * <p>Deletions of images match nothing. A watch record that is not a valid watch is dead-lettered
 * (reason {@value InvalidWatchException#REASON}) and removes any earlier version of that watch, as
 * its compacted topic will.
 */
public final class WatchMatchFunction
    extends KeyedBroadcastProcessFunction<String, EmbeddingChange, KafkaRecord, AlertMessage> {
  private static final long serialVersionUID = 1L;

  /** Dead-letter stage of rejected watch records. */
  public static final String STAGE = "embedder-watches";

  /** Watch id → the watch record's value bytes. */
  public static final MapStateDescriptor<String, byte[]> WATCHES =
      new MapStateDescriptor<>(
          "watches", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("watch-dead-letters", TypeInformation.of(DeadLetter.class)) {};

  /** Per source (the key): watch id → capture time of its last alert. */
  private static final MapStateDescriptor<String, Long> LAST_ALERT =
      new MapStateDescriptor<>("last-alert", Types.STRING, Types.LONG);

  private transient MapState<String, Long> lastAlert;
  private transient WatchIndex index;
  private transient Counter alerts;
  private transient Counter suppressed;
  private transient Counter rejectedWatches;
  private transient Histogram matchMicros;

  /** Vectors over which the {@code watchMatchMicros} histogram reports its quantiles. */
  static final int MATCH_LATENCY_WINDOW = 1000;

  /** The key of an embedding: its source, "" when it has none. */
  public static String sourceKey(EmbeddingChange c) {
    return c.source == null ? "" : c.source;
  }

  @Override
  public void open(OpenContext context) {
    lastAlert = getRuntimeContext().getMapState(LAST_ALERT);
    alerts = getRuntimeContext().getMetricGroup().counter("alerts");
    suppressed = getRuntimeContext().getMetricGroup().counter("alertsSuppressedByCooldown");
    rejectedWatches = getRuntimeContext().getMetricGroup().counter("watchesRejected");
    matchMicros =
        getRuntimeContext()
            .getMetricGroup()
            .histogram(
                "watchMatchMicros", new DescriptiveStatisticsHistogram(MATCH_LATENCY_WINDOW));
    getRuntimeContext()
        .getMetricGroup()
        .gauge("watchesActive", () -> index == null ? 0 : index.size());
  }

  /** Stops the watch index's background HNSW build. */
  @Override
  public void close() throws Exception {
    if (index != null) {
      index.close();
      index = null;
    }
    super.close();
  }

  @Override
  public void processElement(EmbeddingChange c, ReadOnlyContext ctx, Collector<AlertMessage> out)
      throws Exception {
    if (c.deleted || (c.vector == null && c.phash == null && isEmpty(c.items))) {
      return;
    }
    WatchIndex watches = index(ctx.getBroadcastState(WATCHES).immutableEntries());
    if (watches.size() == 0) {
      return;
    }
    WatchCandidate candidate =
        new WatchCandidate(c.imageId, c.source, c.capturedAtMillis, c.model, c.vector, c.phash);
    long now = System.currentTimeMillis();
    long start = System.nanoTime();
    List<WatchMatch> matches = new ArrayList<>(watches.match(candidate));
    matches.addAll(watches.matchItems(candidate, c.items));
    matchMicros.update((System.nanoTime() - start) / 1_000);
    for (WatchMatch m : matches) {
      String watchId = m.watch().id();
      if (!Cooldown.allows(
          lastAlert.get(watchId), c.capturedAtMillis, m.watch().cooldownMillis())) {
        suppressed.inc();
        continue;
      }
      lastAlert.put(watchId, c.capturedAtMillis);
      Alert alert = Alerts.of(m, candidate, c.bucket, c.key, now);
      byte[] value = Topics.ALERTS.valueSerde().serializer().serialize(Topics.ALERTS.name(), alert);
      out.collect(new AlertMessage(alert.getAlertId(), value, now));
      alerts.inc();
    }
  }

  @Override
  public void processBroadcastElement(KafkaRecord r, Context ctx, Collector<AlertMessage> out)
      throws Exception {
    BroadcastState<String, byte[]> state = ctx.getBroadcastState(WATCHES);
    WatchIndex watches = index(state.immutableEntries());
    if (r.key == null) {
      reject(ctx, r, null, "a watch record needs its watch id as key");
      return;
    }
    String id = new String(r.key, StandardCharsets.UTF_8);
    if (r.value == null) {
      state.remove(id);
      watches.remove(id);
      forgetCooldowns(ctx, id);
      return;
    }
    try {
      Watch w = Topics.WATCHES.valueSerde().deserializer().deserialize(r.topic, r.value);
      if (!id.equals(w.getId())) {
        throw new InvalidWatchException(
            "record key '" + id + "' is not the watch id '" + w.getId() + "'");
      }
      watches.put(CompiledWatch.of(w));
      state.put(id, r.value);
    } catch (InvalidWatchException | SerializationException e) {
      state.remove(id);
      watches.remove(id);
      forgetCooldowns(ctx, id);
      reject(ctx, r, id, e.getMessage());
    }
  }

  /**
   * A deleted watch leaves no cooldown entry behind in any source's state (a re-created one starts
   * afresh).
   */
  private static void forgetCooldowns(Context ctx, String watchId) throws Exception {
    ctx.applyToKeyedState(LAST_ALERT, (source, lastAlerts) -> lastAlerts.remove(watchId));
  }

  private void reject(Context ctx, KafkaRecord r, String id, String detail) {
    rejectedWatches.inc();
    ctx.output(
        DEAD_LETTERS,
        new DeadLetter(
            STAGE,
            InvalidWatchException.REASON,
            detail,
            InvalidWatchException.class.getName(),
            null,
            r.topic,
            r.partition,
            r.offset,
            r.key,
            r.value));
  }

  private static boolean isEmpty(List<?> items) {
    return items == null || items.isEmpty();
  }

  /** The compiled watches, built from the (restored) broadcast state on first use. */
  private WatchIndex index(Iterable<Map.Entry<String, byte[]>> entries) {
    if (index == null) {
      WatchIndex built = new WatchIndex();
      for (Map.Entry<String, byte[]> e : entries) {
        built.put(
            CompiledWatch.of(
                Topics.WATCHES.valueSerde().deserializer().deserialize(null, e.getValue())));
      }
      index = built;
    }
    return index;
  }
}
